"""Source formats: plain text, Markdown, Word, PDF and web pages, each turned into text."""

from .registry import READERS, SUPPORTED_SUFFIXES, Reader, Source, detect, read_source

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "Reader", "Source", "detect", "read_source"]
