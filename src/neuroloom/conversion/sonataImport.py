"""NetPyNE's ``conversion.sonataImport`` (the module keeps NetPyNE's name, so scripts import
it unchanged): SONATAImporter reads a SONATA circuit into the current model, through
``sim.importSONATA``."""
from __future__ import annotations

from .. import sim

#: importNet's options and the only value neuroloom has: it builds biophysical cells as BMTK
#: does (the reference SONATA simulator), which is what NetPyNE's defaults imitate
BMTK_BEHAVIOUR = {
    "replaceAxon": (True, "replaces each cell's axon by BMTK's two-section stub"),
    "setdLNseg": (True, "sets each section's nseg from the config's dL, as BMTK"),
    "swapSomaXY": (True, "places the soma as BMTK does"),
}


class SONATAImporter:
    """Import a SONATA circuit as NetPyNE's SONATAImporter does: ``importNet`` makes it the
    current model, instantiated in NEURON, ready for ``sim.setupRecording()`` and
    ``sim.simulate()``."""

    def importNet(self, configFile, replaceAxon=True, setdLNseg=True, swapSomaXY=True):
        """Read ``configFile`` (the SONATA config naming the circuit and the run) and
        instantiate it.

        Parameters
        ----------
        configFile : str or pathlib.Path
            The SONATA config.
        replaceAxon, setdLNseg, swapSomaXY : bool, default True
            NetPyNE's switches for imitating BMTK; neuroloom always builds cells as BMTK
            does, so only True is accepted.

        Returns
        -------
        importers.sonata.SonataModel
            The network, its simConfig and node sets (``sim.importSONATA``).

        Raises
        ------
        ValueError
            One of the switches is False.
        FormatError
            What the circuit or config gets wrong, naming the file and item.
        """
        given = {"replaceAxon": replaceAxon, "setdLNseg": setdLNseg, "swapSomaXY": swapSomaXY}
        for name, value in given.items():
            only, what = BMTK_BEHAVIOUR[name]
            if value is not only:
                raise ValueError(f"SONATAImporter.importNet({name}={value!r}): neuroloom "
                                 f"builds SONATA cells as BMTK does, which {what}; only "
                                 f"{name}={only} is supported")
        self.configFile = configFile
        self.model = sim.importSONATA(configFile)
        return self.model
