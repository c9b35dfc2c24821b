"""Shared by the Python test folders: puts Tests/ on sys.path, so they can import biogateway_processes."""
