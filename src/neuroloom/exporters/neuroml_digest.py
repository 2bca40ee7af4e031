"""The digest of an exported NeuroML document, filled into its annotation once written (see
neuroml/annotation.py)."""
from __future__ import annotations

import mmap

import h5py

from ..neuroml import annotation
from ..neuroml import conventions as nc
from ..neuroml.reader import read


def fill_digest(path, format: str) -> None:
    """Put the digest of the written document (read back as an importer reads it) in place of
    the annotation's placeholder, so the importer can tell an edited file."""
    digest = annotation.digest(read(path)).encode("ascii")
    placeholder = annotation.PLACEHOLDER.encode("ascii")
    if format == "hdf5":
        with h5py.File(path, "r+") as f:
            attrs = f["neuroml/network"].attrs
            value = attrs[nc.ANNOTATION_TAG]
            value = value.decode() if isinstance(value, bytes) else str(value)
            attrs[nc.ANNOTATION_TAG] = value.replace(annotation.PLACEHOLDER, digest.decode(), 1)
        return
    with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0) as text:
        at = text.find(b'value="' + placeholder + b":")
        if at < 0:
            raise RuntimeError(f"{path}: the annotation's placeholder is missing")
        start = at + len(b'value="')
        text[start:start + len(placeholder)] = digest
        text.flush()
