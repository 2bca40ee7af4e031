"""`neuroloom mechs build [DIR ...]`: compile mechanisms into neuroloom's cache ahead of a
run (a cluster's login node, a container image); without DIR, the ones neuroloom ships."""
from __future__ import annotations

from ..engine import modfiles


def add_commands(commands, parents) -> None:
    text = "compile and cache NMODL mechanisms"
    mechs = commands.add_parser("mechs", help=text, description=text, parents=parents)
    actions = mechs.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="compile mechanism folders into the cache",
                               description=__doc__.split("\n\n")[0], parents=parents)
    build.add_argument("folders", nargs="*", metavar="DIR", help="folders of .mod files")
    build.add_argument("--coreneuron", action="store_true",
                       help="also build the CoreNEURON library")
    build.set_defaults(handler=build_mechanisms)


def build_mechanisms(options, parser) -> int:
    for folder in options.folders or modfiles.PACKAGE_MOD_FOLDERS:
        names = modfiles.mechanism_names(modfiles.mod_files(folder))
        # neuroloom's NlRandomStim has no CoreNEURON form (modfiles.NOT_FOR_CORENEURON)
        flavours = (False, True) if options.coreneuron and \
            folder not in modfiles.NOT_FOR_CORENEURON else (False,)
        for coreneuron in flavours:
            target = modfiles.compiled(folder, coreneuron=coreneuron)
            kind = "CoreNEURON" if coreneuron else "NEURON"
            print(f"{folder}: {', '.join(names)} ({kind}) -> {target}", flush=True)
    return 0
