"""Before building: every folder a run will write into can be written, so a long run never
ends with its results lost to an unwritable saveFolder (issue 19).

Each output's folder is checked the way the writers will use it: an existing folder must
be a folder this process can create a file in; a missing one is made by the writers
(``parents=True``), so its first existing ancestor must be a folder this process can make
a folder in. Both are probed by creating (and removing) a temporary entry, not with
``os.access``: as root ``os.access`` says yes to /proc and to read-only mounts.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import Problem, SpecError
from .save import output_path

#: the data file's suffixes, by the OutputSpec flag that asks for it
DATA_SUFFIXES = (("save_json", "_data.json"), ("save_pickle", "_data.pkl"),
                 ("save_hdf5", "_data.h5"), ("save_mat", "_data.mat"))


def planned_outputs(output) -> list[tuple[str, Path]]:
    """(simConfig option, file) of every file a run with these OutputSpec options will
    write: data files, the SONATA spike file, reports, text traces, timing and the saved
    figures named by a path."""
    folder = output.save_folder
    # without a saveFolder, the filename names the folder (it may hold folders)
    named_by = "simConfig.saveFolder" if folder else "simConfig.filename"
    files = [(named_by, output_path(folder, output.filename, suffix))
             for flag, suffix in DATA_SUFFIXES if getattr(output, flag)]
    if output.spikes_file:
        files.append(("simConfig.saveSpikesSonata", Path(folder or ".") / output.spikes_file))
    files += [(f"simConfig.reports['{r.label}']", Path(folder or ".") / r.file)
              for r in output.reports]
    if output.save_csv:
        files.append(("simConfig.saveCSV", output_path(folder, output.filename, "_traces.csv")))
    if output.save_dat:
        files.append(("simConfig.saveDat", Path(folder or ".") / "traces.dat"))
    if output.save_timing:
        files.append(("simConfig.saveTiming", output_path(folder, output.filename,
                                                          "_timing.json")))
    for name, options in output.analysis:
        save = dict(options).get("saveFig")
        if save is True:
            files.append((f"simConfig.analysis['{name}'].saveFig",
                          output_path(folder, output.filename, "_figure")))
        elif isinstance(save, (str, os.PathLike)) and save:
            files.append((f"simConfig.analysis['{name}'].saveFig", Path(save)))
    return files


def check_outputs_writable(output) -> None:
    """Raise SpecError naming the option and the path of every output this run could not
    write (see ``planned_outputs``); nothing is left behind. A file inside saveFolder
    names simConfig.saveFolder (the option to change); each folder is reported once."""
    problems, seen = [], set()
    base = Path(os.path.abspath(output.save_folder)) if output.save_folder else None
    for option, file in planned_outputs(output):
        file = Path(os.path.abspath(file))
        if file.parent in seen:
            continue
        seen.add(file.parent)
        why = unwritable(file)
        if why:
            inside = base is not None and (file.parent == base or base in file.parents)
            problems.append(Problem("simConfig.saveFolder" if inside else option,
                                    f"{str(file)!r} cannot be written: {why}"))
    if problems:
        raise SpecError(problems)


def unwritable(file: Path) -> str:
    """Why ``file`` could not be written atomically ('' if it can)."""
    file = Path(os.path.abspath(file))
    if file.is_dir():
        return f"{str(file)!r} is a folder"
    folder = file.parent
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        return f"{str(folder)!r} is a file, not a folder"
    try:
        if missing:  # the writers will make these folders: can one be made here?
            os.rmdir(tempfile.mkdtemp(prefix=".neuroloom-probe.", dir=folder))
        else:
            with tempfile.TemporaryFile(prefix=".neuroloom-probe.", dir=folder):
                pass
    except OSError as err:
        return f"cannot {'make a folder' if missing else 'create a file'} in " \
               f"{str(folder)!r} ({err.strerror or err})"
    return ""
