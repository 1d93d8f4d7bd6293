// The graph explorer: vis-network (served by this app from the pinned pyvis wheel) over /api/graph.
// Node and edge data only reach the page through vis-network's text rendering and textContent.
// Labels, colours, sizes and shapes of node types come from the page (#graph-style, the schema).
"use strict";
(() => {
  const container = document.getElementById("network");
  const status = document.getElementById("status");
  const docSelect = document.getElementById("doc");
  const boxes = Array.from(document.querySelectorAll('input[name="types"]'));
  const pathResult = document.getElementById("path-result");
  const css = getComputedStyle(document.documentElement);
  const font = css.getPropertyValue("--font").trim() || "sans-serif";
  const style = JSON.parse(document.getElementById("graph-style").textContent);
  const kind = (type) => style.kinds[type] || { label: type, colour: "#888888", size: 12, shape: "dot" };
  const typeName = (type) => kind(type).label;
  const isLead = (e) => e.type === style.lead.type && e.role === style.lead.role;

  let network = null;
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  let pending = null; // node to focus once the network has settled

  const say = (text) => { status.textContent = text; };

  function styled(n, degree) {
    const k = kind(n.type);
    const c = k.colour;
    const boxed = k.shape === "box"; // the name is written inside the node
    return {
      id: n.id,
      label: n.label,
      title: `${k.label}：${n.title}`,
      url: n.url,
      type: n.type,
      shape: k.shape,
      size: k.size + Math.min(degree, 12),
      color: { background: c, border: c, highlight: { background: c, border: "#111827" }, hover: { background: c, border: "#111827" } },
      font: boxed
        ? { color: "#ffffff", face: font, size: 24 } // large enough to read in the overview
        : { color: "#1f2933", face: font, size: 13, strokeWidth: 3, strokeColor: "#ffffff" },
      borderWidth: 1,
    };
  }

  // An edge between two nodes of the citation view's types (a document citing a document) is labelled
  // with its relation, so the citation network reads without hovering.
  function edgeStyle(e, typeOf) {
    const lead = isLead(e);
    const named = style.labelled.includes(typeOf[e.from]) && style.labelled.includes(typeOf[e.to]);
    return {
      label: named ? style.relations[e.type] || e.type : undefined,
      font: { face: font, size: 11, color: "#475569", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
      id: `${e.from}|${e.to}|${e.type}`,
      from: e.from,
      to: e.to,
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      dashes: Boolean(e.role) && !lead,
      width: lead ? 2 : 1,
      color: { color: lead ? "#f0a3a3" : "#c5ccd6", highlight: "#1d5fbf", hover: "#1d5fbf" },
      title: style.relations[e.type] || e.type,
    };
  }

  async function load() {
    const types = boxes.filter((b) => b.checked).map((b) => b.value);
    pathResult.replaceChildren();
    if (!types.length) {
      nodes.clear();
      edges.clear();
      say("请至少选择一种节点类型。");
      return;
    }
    const params = new URLSearchParams({ types: types.join(",") });
    if (docSelect.value) params.set("doc", docSelect.value);
    say("正在加载图谱…");
    let data;
    try {
      const response = await fetch(`/api/graph?${params}`, { headers: { Accept: "application/json" } });
      data = await response.json();
      if (!response.ok) throw new Error(data.error || response.statusText);
    } catch (err) {
      say(`加载失败：${err.message}`);
      return;
    }
    const degree = {};
    data.edges.forEach((e) => { degree[e.from] = (degree[e.from] || 0) + 1; degree[e.to] = (degree[e.to] || 0) + 1; });
    nodes.clear();
    edges.clear();
    nodes.add(data.nodes.map((n) => styled(n, degree[n.id] || 0)));
    const typeOf = Object.fromEntries(data.nodes.map((n) => [n.id, n.type]));
    edges.add(data.edges.map((e) => edgeStyle(e, typeOf)));
    container.dataset.nodes = String(data.nodes.length);
    container.dataset.edges = String(data.edges.length);
    if (!network) create();
    else {
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(200);
    }
    say(`${data.nodes.length} 个节点，${data.edges.length} 条联系`);
  }

  function create() {
    network = new vis.Network(container, { nodes, edges }, {
      autoResize: true,
      interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false },
      physics: {
        solver: "forceAtlas2Based",
        forceAtlas2Based: { gravitationalConstant: -60, springLength: 90, avoidOverlap: 0.4 },
        stabilization: { iterations: 250, updateInterval: 50 },
      },
      layout: { improvedLayout: false, randomSeed: 7 },
    });
    network.on("stabilizationIterationsDone", () => {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      if (pending) focus(pending);
      pending = null;
    });
    network.on("afterDrawing", () => { container.dataset.drawn = "1"; });
    network.on("click", (params) => {
      if (params.nodes.length === 1) {
        const node = nodes.get(params.nodes[0]);
        if (node && node.url) window.location.assign(node.url);
      }
    });
  }

  function findNode(text) {
    const wanted = text.trim();
    if (!wanted) return null;
    if (nodes.get(wanted)) return wanted;
    const all = nodes.get();
    const exact = all.find((n) => n.title.endsWith(`：${wanted}`) || n.label === wanted);
    if (exact) return exact.id;
    const partial = all.find((n) => n.title.includes(wanted));
    return partial ? partial.id : null;
  }

  function focus(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: { duration: 400 } });
    const node = nodes.get(id);
    say(`已定位：${node ? node.title : id}`);
  }

  document.getElementById("find").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = document.getElementById("find-name").value;
    const id = findNode(text);
    if (id) focus(id);
    else say(`当前视图中没有「${text.trim()}」，请调整节点类型或文档筛选。`);
  });

  function showPath(data) {
    const box = document.createElement("div");
    const p = document.createElement("p");
    p.textContent = data.answer;
    box.appendChild(p);
    if (data.found) {
      const list = document.createElement("ol");
      data.nodes[0].forEach((n) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = n.url;
        a.textContent = `${typeName(n.type)}：${n.name}`;
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
      // Path nodes the current filters hide are added so the whole path can be shown.
      const ids = [];
      data.nodes.forEach((path) => path.forEach((n, i) => {
        if (!nodes.get(n.node)) nodes.add(styled({ id: n.node, label: n.name.length > 18 ? `${n.name.slice(0, 17)}…` : n.name, title: n.name, type: n.type, url: n.url }, 0));
        ids.push(n.node);
        if (i > 0) {
          const prev = path[i - 1].node;
          const id = `path|${prev}|${n.node}`;
          if (!edges.get(id) && !edges.get().some((e) => (e.from === prev && e.to === n.node) || (e.from === n.node && e.to === prev))) {
            edges.add({ id, from: prev, to: n.node, color: { color: "#1d5fbf" }, width: 2 });
          }
        }
      }));
      network.selectNodes(Array.from(new Set(ids)), true);
      network.fit({ nodes: Array.from(new Set(ids)), animation: { duration: 400 } });
    }
    pathResult.replaceChildren(box);
  }

  document.getElementById("path").addEventListener("submit", async (event) => {
    event.preventDefault();
    const params = new URLSearchParams({
      from: document.getElementById("path-from").value.trim(),
      to: document.getElementById("path-to").value.trim(),
    });
    try {
      const response = await fetch(`/api/path?${params}`, { headers: { Accept: "application/json" } });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || response.statusText);
      showPath(data);
    } catch (err) {
      const p = document.createElement("p");
      p.className = "notice warn";
      p.textContent = err.message;
      pathResult.replaceChildren(p);
    }
  });

  // For people (and tests) poking at the explorer from the console.
  window.policykgExplorer = { nodes, edges, get network() { return network; } };

  boxes.forEach((b) => b.addEventListener("change", load));
  docSelect.addEventListener("change", load);

  // /graph#focus=<node id>&type=<its type> (from an entity page): show that type and focus the node.
  const hash = new URLSearchParams(window.location.hash.slice(1));
  if (hash.get("focus")) {
    pending = hash.get("focus");
    const box = boxes.find((b) => b.value === hash.get("type"));
    if (box) box.checked = true;
  }
  load();
})();
