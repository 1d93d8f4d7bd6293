// SPARQL editor: example buttons fill the textarea; the run button posts the query and renders
// JSON results as a table (CONSTRUCT/DESCRIBE come back as Turtle). Text goes in via textContent only.
"use strict";

const form = document.getElementById("sparql-form");
const query = document.getElementById("query");
const statusLine = document.getElementById("status");
const results = document.getElementById("results");
const csvLink = document.getElementById("csv-link");
const examples = JSON.parse(document.getElementById("examples").textContent);

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? "error" : "";
}

function updateCsvLink() {
  csvLink.href = form.action + "?format=csv&query=" + encodeURIComponent(query.value);
}

function readable(iri) {
  try { return decodeURI(iri); } catch (_) { return iri; }
}

function cell(term) {
  const td = document.createElement("td");
  if (term && term.type === "uri") {
    td.textContent = readable(term.value);
    td.title = term.value;
  } else if (term) {
    td.textContent = term.value;
  }
  return td;
}

function renderTable(data) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of data.head.vars) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of data.head.vars) row.appendChild(cell(binding[name]));
  }
  return table;
}

function renderAnswer(type, text) {
  if (type.startsWith("application/sparql-results+json")) {
    const data = JSON.parse(text);
    if ("boolean" in data) {
      const p = document.createElement("p");
      p.textContent = "结果 ASK: " + data.boolean;
      return p;
    }
    return renderTable(data);
  }
  const pre = document.createElement("pre");
  pre.textContent = text;
  return pre;
}

async function run(event) {
  event.preventDefault();
  results.replaceChildren();
  setStatus("查询中…", false);
  const started = performance.now();
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: query.value,
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try { message = JSON.parse(text).error; } catch (_) { /* not JSON */ }
      setStatus("错误 (" + response.status + ")：" + message, true);
      return;
    }
    results.appendChild(renderAnswer(response.headers.get("Content-Type") || "", text));
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const truncated = response.headers.get("X-Result-Truncated") ? "，已截断" : "";
    setStatus(response.headers.get("X-Result-Count") + " 条结果" + truncated + "（" + seconds + " 秒）", false);
  } catch (err) {
    setStatus("请求失败：" + err, true);
  }
}

for (const button of document.querySelectorAll("button[data-example]")) {
  button.addEventListener("click", () => {
    query.value = examples[Number(button.dataset.example)];
    updateCsvLink();
  });
}
query.addEventListener("input", updateCsvLink);
form.addEventListener("submit", run);
updateCsvLink();
