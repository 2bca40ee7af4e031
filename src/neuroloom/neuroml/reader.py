"""Reading NeuroML2 (XML and HDF5) and LEMS simulation files into plain data, fast.

One streaming pass with expat per file (following includes): the components (cells,
channels, synapses, inputs...) are kept as small element trees for the converters, the
network is kept as columns (populations with positions; projections, electrical
projections and input lists as numpy arrays), never as an object per connection. Every
problem is a FormatError naming the file, the line and the element.

A LEMS file may hold NeuroML elements inline (as <Component type=...>, by type name, or as
another element with a type attribute: <concentrationModel type="fixedFactor...">);
its <Simulation> gives the duration, time step, the network it runs and the files it
writes (OutputFile, EventOutputFile). Every <network> of every file read is kept, and the
one the simulation targets (else the file's only one) is the document's network, as
jNeuroML builds only that one. LEMS's generic form (<Component type="Simulation" ...>,
<Component type="population" ...>) is read wherever the specific element is. HDF5 files follow
libNeuroML's layout (/neuroml with the components as XML in `neuroml_top_level`,
/neuroml/network/population_<id>, projection_<id>, inputList_<id>).
"""
from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

import numpy as np

from ..errors import FormatError
from ..suggest import hint
from . import continuous, jnml
from .bounds import bad_value
from .conventions import ANNOTATION_TAG
from .reader_data import (Component, Document, NetworkData, OutputData, PopulationData,
                          ProjectionData)
from .reader_hdf5 import read_hdf5
from .units import convert

#: top-level NeuroML2 components (libNeuroML's NeuroMLDocument) and the LEMS-level ones the
#: NeuroML core definitions add; anything else must be a ComponentType defined in the file
COMPONENT_TYPES = frozenset("""
extracellularProperties intracellularProperties morphology ionChannel ionChannelHH
ionChannelVShift ionChannelKS ionChannelPassive decayingPoolConcentrationModel
fixedFactorConcentrationModel alphaCurrentSynapse alphaSynapse expOneSynapse expTwoSynapse
expThreeSynapse blockingPlasticSynapse doubleSynapse gapJunction silentSynapse
linearGradedSynapse gradedSynapse biophysicalProperties cell cell2CaPools baseCell iafTauCell
iafTauRefCell iafCell iafRefCell izhikevichCell izhikevich2007Cell adExIaFCell
fitzHughNagumoCell fitzHughNagumo1969Cell pinskyRinzelCA3Cell hindmarshRose1984Cell
pulseGenerator pulseGeneratorDL sineGenerator sineGeneratorDL rampGenerator rampGeneratorDL
compoundInput compoundInputDL voltageClamp voltageClampTriple spikeArray timedSynapticInput
spikeGenerator spikeGeneratorRandom spikeGeneratorPoisson spikeGeneratorRefPoisson
poissonFiringSynapse transientPoissonFiringSynapse IF_curr_alpha IF_curr_exp IF_cond_alpha
IF_cond_exp EIF_cond_exp_isfa_ista EIF_cond_alpha_isfa_ista HH_cond_exp expCondSynapse
alphaCondSynapse expCurrSynapse alphaCurrSynapse SpikeSourcePoisson pointCellCondBased
pointCellCondBasedCa stdpSynapse""".split())
NOT_COMPONENTS = frozenset({"notes", "annotation", "property", "include", "Include",
                            "Target", "Dimension", "Unit", "Constant", "Simulation",
                            "ComponentType", "network", "Component"})
#: LEMS definitions jNeuroML has built in (a LEMS file includes them by these names)
CORE_LEMS = frozenset({"Cells.xml", "Networks.xml", "Simulation.xml", "Inputs.xml",
                       "Synapses.xml", "Channels.xml", "PyNN.xml", "NeuroMLCoreDimensions.xml",
                       "NeuroMLCoreCompTypes.xml"})
#: elements LEMS may also write as <Component type="...">: the element each is
GENERIC_ELEMENTS = {name: name for name in (
    "Simulation", "network", "population", "instance", "location", "projection",
    "electricalProjection", "inputList", "input", "inputW", "explicitInput",
    "synapticConnection", "OutputFile", "OutputColumn", "EventOutputFile", "EventSelection",
    "Display", "Line")}
GENERIC_ELEMENTS.update(networkWithTemperature="network", populationList="population")
#: what a <Simulation> may hold: the files it writes, and what jNeuroML only plots (its
#: -nogui runs, and neuroloom's, draw nothing)
SIMULATION_OUTPUTS = frozenset({"OutputFile", "EventOutputFile"})
SIMULATION_PLOTS = frozenset({"Display", "DisplayList", "Line"})
EVENT_FORMATS = ("ID_TIME", "TIME_ID")
_CELL_REF = re.compile(r"^\.\./([A-Za-z_][A-Za-z0-9_]*)(?:/(\d+)(?:/[A-Za-z_0-9]+)?|\[(\d+)\])$")


def read(path, progress=None) -> Document:
    """A NeuroML2 document (.nml/.xml), LEMS file or NeuroML HDF5 file (.h5) with its
    includes; ``progress(fraction)`` as the file's bytes are read."""
    path = Path(path).resolve()
    if not path.is_file():
        raise FormatError(f"{path}: file not found")
    doc = Document(path)
    if path.suffix.lower() in (".h5", ".hdf5"):
        read_hdf5(path, doc, lambda text: _Parser(doc, path, text).parse())
    else:
        _Parser(doc, path, progress=progress).parse()
    _choose_simulation(doc)
    _choose_network(doc)
    _finish(doc)
    return doc


def _choose_simulation(doc: Document) -> None:
    """The simulation the top file's <Target> names, else the only one read."""
    sims = doc.simulations
    if doc.target is not None:
        name, where = doc.target
        if name not in sims:
            raise FormatError(f"{where}: component '{name}' is not a Simulation of the files "
                              f"read; {hint(name, sims)}")
        doc.simulation = sims[name]
    elif len(sims) == 1:
        doc.simulation = next(iter(sims.values()))
    elif sims:
        raise FormatError(f"{doc.path}: defines {len(sims)} Simulations "
                          f"({', '.join(sims)}) and no <Target component=...> naming one")


def _choose_network(doc: Document) -> None:
    """The network to build, as jNeuroML chooses it: the one the simulation targets (other
    networks of included files are not built), else the only network of the file itself,
    else the only network read."""
    nets = doc.networks
    if doc.simulation is not None and doc.simulation.get("target"):
        name = doc.simulation["target"]
        if name in doc.components:  # a LEMS component holding a network (Ex17's tissue)
            comp = doc.components[name]
            raise FormatError(f"{doc.simulation['where']}: target '{name}' is a {comp.type} "
                              f"({comp.where}), not a network: neuroloom runs a <network> "
                              "as the target")
        if name not in nets:
            raise FormatError(f"{doc.simulation['where']}: target '{name}' is not a network "
                              f"of the files read; {hint(name, nets)}")
        net = nets[name]
    elif not nets:
        return
    else:
        own = [n for n in nets.values() if n.file == doc.path]
        if len(own) == 1 or len(nets) == 1:
            net = own[0] if own else next(iter(nets.values()))
        else:
            raise FormatError(f"{doc.path}: holds {len(own or nets)} networks "
                              f"({', '.join(n.id for n in own or nets.values())}): name the "
                              "one to run in a LEMS <Simulation target=...>")
    doc.network_id, doc.temperature, doc.annotation = net.id, net.temperature, net.annotation
    doc.populations, doc.projections = net.populations, net.projections


# -- XML ---------------------------------------------------------------------------------------
READ_CHUNK = 1 << 20  # bytes handed to expat at a time (progress is reported between)


class _Parser:
    def __init__(self, doc: Document, path: Path, text: bytes | None = None, progress=None):
        self.doc, self.path, self.text, self.progress = doc, path, text, progress
        self.stack: list[str] = []
        self.prefixes: list[dict] = []  # per open element: its xmlns:<prefix> declarations
        self.component_depth = 0  # where in the stack the component being built starts
        self.builder: ET.TreeBuilder | None = None
        self.component = None  # (type, id, line) being built
        self.current = None  # the population/projection/input list being read
        self.net: NetworkData | None = None  # the network being read
        self.sim: dict | None = None  # the simulation being read
        self.output: OutputData | None = None  # its output file being read

    def parse(self) -> None:
        if self.path in self.doc.files and self.text is None:
            return
        self.doc.files.append(self.path)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        self.parser = parser
        try:
            if self.text is not None:
                parser.Parse(self.text, True)
            else:
                self._parse_file(parser)
        except expat.ExpatError as err:
            raise FormatError(f"{self.path}:{err.lineno}: not well-formed XML "
                              f"({expat.errors.messages[err.code]})") from None

    def _parse_file(self, parser) -> None:
        size = max(1, self.path.stat().st_size)
        with open(self.path, "rb") as f:
            while chunk := f.read(READ_CHUNK):
                parser.Parse(chunk, False)
                if self.progress is not None:
                    self.progress(f.tell() / size)
            parser.Parse(b"", True)

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def where(self, tag, attrs=None) -> str:
        ident = f' id="{attrs["id"]}"' if attrs and "id" in attrs else ""
        return f"{self.path}:{self.line}: <{tag}{ident}>"

    # events
    def start(self, name, attrs) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "Component" and self.builder is None \
                and attrs.get("type") in GENERIC_ELEMENTS:  # LEMS's generic form
            tag = GENERIC_ELEMENTS[attrs["type"]]
            attrs = {k: v for k, v in attrs.items() if k != "type"}
        depth = len(self.stack)
        self.stack.append(tag)
        self.prefixes.append({k[6:]: v for k, v in attrs.items() if k.startswith("xmlns:")})
        if not {"ComponentType", "annotation", "notes"} & set(self.stack):
            problem = bad_value(tag, attrs)  # before any converter or simulator sees it
            if problem:
                raise FormatError(f"{self.where(tag, attrs)}: {problem}")
        if self.builder is not None:
            self.builder.start(*self._foreign(name, attrs) if ":" in name else (tag, attrs))
            return
        if depth == 0:
            if tag not in ("neuroml", "Lems"):
                raise FormatError(f"{self.where(tag)}: not a NeuroML2 or LEMS document")
            return
        parent = self.stack[-2]
        if parent in ("neuroml", "Lems"):
            self._top_level(tag, attrs)
        elif "annotation" in self.stack or "notes" in self.stack:
            return
        elif tag == "property" and parent == "network":
            if attrs.get("tag") == ANNOTATION_TAG:  # neuroloom's own (neuroml/annotation.py)
                self.net.annotation = attrs.get("value", "")
        elif "network" in self.stack:
            self._network(tag, attrs)
        elif "Simulation" in self.stack:
            self._simulation(tag, attrs, parent)

    def _foreign(self, name, attrs) -> tuple:
        """An element of another namespace (an annotation's rdf:RDF) kept as written, its
        prefix declared on it: read as a NeuroML element it would be one (jLEMS: "No such
        type RDF")."""
        prefix = name.split(":", 1)[0]
        inside = self.prefixes[self.component_depth:-1]  # the component's open elements
        if not any(prefix in d for d in inside) and f"xmlns:{prefix}" not in attrs:
            uri = next((d[prefix] for d in reversed(self.prefixes) if prefix in d), None)
            if uri is not None:
                attrs = {**attrs, f"xmlns:{prefix}": uri}
        return name, attrs

    def end(self, name) -> None:
        tag = self.stack.pop()
        self.prefixes.pop()
        if self.builder is not None:
            self.builder.end(name if ":" in name else tag)
            if len(self.stack) == 1:  # the component is complete
                kind, ident, line = self.component
                element = self.builder.close()
                self.builder = None
                if ident in self.doc.components:
                    raise FormatError(f"{self.path}:{line}: <{kind} id=\"{ident}\">: id "
                                      f"defined twice (also at "
                                      f"{self.doc.components[ident].where})")
                self.doc.components[ident] = Component(kind, ident, element, self.path, line)
            return
        if tag in ("population", "projection", "electricalProjection", "continuousProjection",
                   "inputList"):
            self.current = None
        elif tag in SIMULATION_OUTPUTS:
            self.output = None

    def data(self, text) -> None:
        if self.builder is not None:
            self.builder.data(text)


    # top level
    def _top_level(self, tag, attrs) -> None:
        if tag in ("include", "Include"):
            self._include(attrs.get("href") or attrs.get("file"), tag)
        elif tag == "network":
            self._require(tag, attrs, ("id",))
            self.net = NetworkData(attrs["id"], self.where(tag, attrs), self.path,
                                   attrs.get("temperature"))
            if self.net.id in self.doc.networks:
                raise FormatError(f"{self.net.where}: network id defined twice (also at "
                                  f"{self.doc.networks[self.net.id].where})")
            self.doc.networks[self.net.id] = self.net
        elif tag == "Simulation":
            self._require(tag, attrs, ("id", "length", "step", "target"))
            self.sim = {"id": attrs["id"], "length": attrs["length"], "step": attrs["step"],
                        "target": attrs["target"], "where": self.where(tag, attrs),
                        "outputs": []}
            if self.sim["id"] in self.doc.simulations:
                raise FormatError(f"{self.sim['where']}: Simulation id defined twice")
            self.doc.simulations[self.sim["id"]] = self.sim
        elif tag == "Target":
            if self.path == self.doc.path:  # an included file's Target does not run
                self._require(tag, attrs, ("component",))
                self.doc.target = (attrs["component"], self.where(tag, attrs))
        elif tag == "ComponentType":
            self.doc.component_types.add(attrs.get("name"))
        elif tag not in NOT_COMPONENTS or tag == "Component":
            # <cell type="pointCellCondBased"> (Ex4_KS): a component of that type, as jLEMS
            # and jNeuroML read it, not a morphological cell; so is any element with a type
            # whose name is not a type neuroloom reads (Ex18's <concentrationModel
            # type="fixedFactorConcentrationModel">); <ionChannel type="ionChannelHH"> stays
            # an ionChannel, the converters read its type
            generic = tag == "Component" or (
                bool(attrs.get("type")) and (tag == "cell" or tag not in COMPONENT_TYPES
                                             and tag not in self.doc.component_types))
            kind = attrs.get("type") if generic else tag
            if "id" not in attrs:
                raise FormatError(f"{self.where(tag)}: a component needs an id")
            self.component = (kind, attrs["id"], self.line)
            self.builder = ET.TreeBuilder()
            self.component_depth = len(self.stack) - 1
            self.builder.start(kind, {k: v for k, v in attrs.items() if k != "type"
                                      or not generic})

    def _include(self, href, tag) -> None:
        if not href:
            raise FormatError(f"{self.where(tag)}: include without a file")
        target = (self.path.parent / href).resolve()
        if not target.is_file():
            if Path(href).name in CORE_LEMS:
                return  # jNeuroML's own definitions
            bundled = jnml.bundled_include(href) if tag == "Include" else None
            if bundled is None:
                raise FormatError(f"{self.where(tag)}: included file {href} not found")
            warnings.warn(f"{self.where(tag)}: included file {href} is not there; reading "
                          f"the copy jNeuroML bundles and reads in its place ({bundled})",
                          stacklevel=2)
            target = bundled
        if target.suffix.lower() in (".h5", ".hdf5"):
            if target not in self.doc.files:
                read_hdf5(target, self.doc,
                          lambda text: _Parser(self.doc, target, text).parse())
        else:
            _Parser(self.doc, target).parse()

    # network
    def _network(self, tag, attrs) -> None:
        net = self.net
        if tag == "population":
            self._require(tag, attrs, ("id", "component"))
            size = attrs.get("size", "0")
            if not size.strip().isdigit():  # a count of cells: 0, 1, 2...
                raise FormatError(f"{self.where(tag, attrs)}: size {size!r} is not a whole "
                                  f"number of cells")
            pop = PopulationData(attrs["id"], attrs["component"], int(size),
                                 self.where(tag, attrs))
            net.populations.append(pop)
            self.current = pop
        elif tag == "instance" and isinstance(self.current, PopulationData):
            pop = self.current
            if pop.instance_ids is None:
                pop.instance_ids, pop.x, pop.y, pop.z = [], [], [], []
            instance = attrs.get("id", "")
            if not instance.strip().isdigit():  # cell numbers: 0, 1, 2...
                raise FormatError(f"{self.where(tag, attrs)}: instance id {instance!r} is "
                                  f"not a whole number (population '{pop.id}')")
            pop.instance_ids.append(int(instance))
        elif tag == "location" and isinstance(self.current, PopulationData):
            for axis in ("x", "y", "z"):
                try:
                    value = float(attrs.get(axis, 0.0))
                except ValueError:
                    raise FormatError(f"{self.where(tag, attrs)}: {axis}={attrs[axis]!r} is "
                                      "not a number (a position in um)") from None
                getattr(self.current, axis).append(value)
        elif tag in ("projection", "electricalProjection", "continuousProjection"):
            self._require(tag, attrs, ("id", "presynapticPopulation", "postsynapticPopulation"))
            proj = ProjectionData(tag, attrs["id"], attrs["presynapticPopulation"],
                                  attrs["postsynapticPopulation"], attrs.get("synapse", ""),
                                  self.where(tag, attrs), {k: [] for k in CONNECTION_COLUMNS})
            if tag == "continuousProjection":  # and the two components of each connection
                proj.columns.update({k: [] for k in continuous.COLUMNS})
            net.projections.append(proj)
            self.current = proj
        elif tag in CONNECTIONS and isinstance(self.current, ProjectionData):
            self._connection(tag, attrs)
        elif tag == "inputList":
            self._require(tag, attrs, ("id", "population", "component"))
            inputs = ProjectionData("inputList", attrs["id"], "", attrs["population"],
                                    attrs["component"], self.where(tag, attrs),
                                    {k: [] for k in INPUT_COLUMNS})
            net.projections.append(inputs)
            self.current = inputs
        elif tag in ("input", "inputW") and isinstance(self.current, ProjectionData):
            self._input(tag, attrs)
        elif tag in ("synapticConnection", "synapticConnectionWD"):  # one connection
            self._require(tag, attrs, ("from", "to", "synapse"))
            pre_pop, pre = self._cell_ref(attrs["from"], tag, attrs, bare=True)
            post_pop, post = self._cell_ref(attrs["to"], tag, attrs, bare=True)
            proj = ProjectionData("projection", f"synapticConnection_{len(net.projections)}",
                                  pre_pop, post_pop, attrs["synapse"], self.where(tag, attrs),
                                  {k: [] for k in CONNECTION_COLUMNS})
            for name, value in (("id", 0), ("pre", pre), ("post", post), ("pre_segment", 0),
                                ("pre_fraction", 0.5), ("post_segment", 0),
                                ("post_fraction", 0.5), ("synapse", attrs["synapse"])):
                proj.columns[name].append(value)
            self._weight_delay(tag, attrs, proj.columns)
            net.projections.append(proj)
        elif tag == "explicitInput":
            self._require(tag, attrs, ("target", "input"))
            pop, index = self._cell_ref(attrs["target"], tag, attrs, bare=True)
            inputs = ProjectionData("inputList", f"explicit_{len(net.projections)}", "", pop,
                                    attrs["input"], self.where(tag, attrs),
                                    {k: [] for k in INPUT_COLUMNS})
            for name, value in (("id", 0), ("cell", index), ("segment", 0),
                                ("fraction", 0.5), ("weight", 1.0)):
                inputs.columns[name].append(value)
            net.projections.append(inputs)
        elif tag not in NETWORK_ELEMENTS:
            raise FormatError(f"{self.where(tag, attrs)}: unknown element in a network")

    def _simulation(self, tag, attrs, parent) -> None:
        """What a <Simulation> writes; its plots are jNeuroML's GUI's only."""
        if tag in SIMULATION_PLOTS or parent in SIMULATION_PLOTS:
            return
        if tag in SIMULATION_OUTPUTS and parent == "Simulation":
            self._require(tag, attrs, ("id", "fileName")
                          + (("format",) if tag == "EventOutputFile" else ()))
            self.output = OutputData(tag, attrs["id"], attrs["fileName"],
                                     self.where(tag, attrs), attrs.get("format", ""))
            if tag == "EventOutputFile" and self.output.format not in EVENT_FORMATS:
                raise FormatError(f"{self.output.where}: format '{self.output.format}' is "
                                  f"not one of {', '.join(EVENT_FORMATS)}")
            self.sim["outputs"].append(self.output)
        elif tag == "OutputColumn" and parent == "OutputFile":
            self._require(tag, attrs, ("id", "quantity"))
            self.output.items.append((attrs["id"], attrs["quantity"], self.where(tag, attrs)))
        elif tag == "EventSelection" and parent == "EventOutputFile":
            self._require(tag, attrs, ("id", "select"))
            self.output.items.append((attrs["id"], attrs["select"],
                                      attrs.get("eventPort", "spike"), self.where(tag, attrs)))
        else:
            raise FormatError(f"{self.where(tag, attrs)}: unknown element in <{parent}> of a "
                              f"Simulation (neuroloom writes OutputFile and EventOutputFile)")

    def _weight_delay(self, tag, attrs, columns) -> None:
        """A synapticConnectionWD's weight and delay (a synapticConnection's: 1 and 0 ms)."""
        allowed = SINGLE_CONNECTION_ATTRIBUTES[tag]
        unknown = set(attrs) - allowed
        if unknown:
            raise FormatError(f"{self.where(tag, attrs)}: unknown attribute(s) "
                              f"{', '.join(sorted(unknown))}")
        if tag == "synapticConnectionWD":
            self._require(tag, attrs, ("weight", "delay"))
        try:
            columns["weight"].append(float(attrs.get("weight", 1.0)))
        except ValueError as err:
            raise FormatError(f"{self.where(tag, attrs)}: {err}") from None
        columns["delay"].append(attrs.get("delay", "0ms"))

    def _require(self, tag, attrs, names) -> None:
        missing = [n for n in names if n not in attrs]
        if missing:
            raise FormatError(f"{self.where(tag, attrs)}: missing attribute(s) "
                              f"{', '.join(missing)}")

    def _cell_ref(self, ref, tag, attrs, bare=False) -> tuple[str, int]:
        m = _CELL_REF.match(ref if not bare or ref.startswith("../") else f"../{ref}")
        if m is None:
            raise FormatError(f"{self.where(tag, attrs)}: cannot read cell reference {ref!r}")
        return m.group(1), int(m.group(2) or m.group(3))

    def _index(self, text, tag, attrs) -> int:
        if not text.isdigit():
            raise FormatError(f"{self.where(tag, attrs)}: cell index {text!r} is not a number")
        return int(text)

    def _connection(self, tag, attrs) -> None:
        proj, columns = self.current, self.current.columns
        unknown = set(attrs) - CONNECTION_ATTRIBUTES[tag]
        if unknown:
            raise FormatError(f"{self.where(tag, attrs)}: unknown attribute(s) "
                              f"{', '.join(sorted(unknown))}")
        pre_key, post_key = CONNECTION_ENDS[tag]
        if pre_key not in attrs or post_key not in attrs:
            raise FormatError(f"{self.where(tag, attrs)}: missing {pre_key} or {post_key}")
        if tag in INDEXED_CONNECTIONS:  # cells given by index in the populations
            (pre_pop, pre), (post_pop, post) = ((end, self._index(attrs[key], tag, attrs))
                                                for end, key in ((proj.pre, pre_key),
                                                                 (proj.post, post_key)))
        else:
            pre_pop, pre = self._cell_ref(attrs[pre_key], tag, attrs)
            post_pop, post = self._cell_ref(attrs[post_key], tag, attrs)
        if pre_pop != proj.pre or post_pop != proj.post:
            raise FormatError(f"{self.where(tag, attrs)}: connects {pre_pop} -> {post_pop} "
                              f"inside projection {proj.pre} -> {proj.post}")
        try:
            columns["id"].append(int(attrs.get("id", len(columns["id"]))))
            columns["pre"].append(pre)
            columns["post"].append(post)
            columns["pre_segment"].append(int(attrs.get("preSegment", attrs.get(
                "preSegmentId", 0))))
            columns["pre_fraction"].append(float(attrs.get("preFractionAlong", 0.5)))
            columns["post_segment"].append(int(attrs.get("postSegment", attrs.get(
                "postSegmentId", 0))))
            columns["post_fraction"].append(float(attrs.get("postFractionAlong", 0.5)))
            columns["weight"].append(float(attrs.get("weight", 1.0)))
            columns["delay"].append(attrs.get("delay", "0ms"))
            columns["synapse"].append(attrs.get("synapse", proj.component))
            if proj.kind == "continuousProjection":
                continuous.read_components(attrs, columns, self.where(tag, attrs))
        except ValueError as err:
            raise FormatError(f"{self.where(tag, attrs)}: {err}") from None

    def _input(self, tag, attrs) -> None:
        columns = self.current.columns
        unknown = set(attrs) - INPUT_ATTRIBUTES
        if unknown:
            raise FormatError(f"{self.where(tag, attrs)}: unknown attribute(s) "
                              f"{', '.join(sorted(unknown))}")
        if "target" not in attrs:
            raise FormatError(f"{self.where(tag, attrs)}: missing target")
        pop, cell = self._cell_ref(attrs["target"], tag, attrs)
        if pop != self.current.post:
            raise FormatError(f"{self.where(tag, attrs)}: targets population {pop} inside an "
                              f"input list for {self.current.post}")
        try:
            columns["id"].append(int(attrs.get("id", len(columns["id"]))))
            columns["cell"].append(cell)
            columns["segment"].append(int(attrs.get("segmentId", 0)))
            columns["fraction"].append(float(attrs.get("fractionAlong", 0.5)))
            columns["weight"].append(float(attrs.get("weight", 1.0)))
        except ValueError as err:
            raise FormatError(f"{self.where(tag, attrs)}: {err}") from None


CONNECTION_COLUMNS = ("id", "pre", "post", "pre_segment", "pre_fraction", "post_segment",
                      "post_fraction", "weight", "delay", "synapse")
INPUT_COLUMNS = ("id", "cell", "segment", "fraction", "weight")
_OLD_FORMAT = {"id", "neuroLexId", "preCellId", "preSegmentId", "preFractionAlong",
               "postCellId", "postSegmentId", "postFractionAlong"}
_NEW_FORMAT = {"id", "neuroLexId", "preCell", "preSegment", "preFractionAlong", "postCell",
               "postSegment", "postFractionAlong"}
CONNECTION_ATTRIBUTES = {
    "connection": _OLD_FORMAT, "connectionWD": _OLD_FORMAT | {"weight", "delay"},
    "electricalConnection": _NEW_FORMAT | {"synapse"},
    "electricalConnectionInstance": _NEW_FORMAT | {"synapse"},
    "electricalConnectionInstanceW": _NEW_FORMAT | {"synapse", "weight"}}
CONNECTION_ENDS = {"connection": ("preCellId", "postCellId"),
                   "connectionWD": ("preCellId", "postCellId")}
CONNECTION_ATTRIBUTES.update({name: _NEW_FORMAT | continuous.ATTRIBUTES
                              | ({"weight"} if name.endswith("W") else set())
                              for name in continuous.CONNECTIONS})
CONNECTION_ENDS.update(dict.fromkeys(("electricalConnection", "electricalConnectionInstance",
                                      "electricalConnectionInstanceW", *continuous.CONNECTIONS),
                                     ("preCell", "postCell")))
INDEXED_CONNECTIONS = frozenset({"electricalConnection", "continuousConnection"})
CONNECTIONS = frozenset(CONNECTION_ATTRIBUTES)
SINGLE_CONNECTION_ATTRIBUTES = {"synapticConnection": {"from", "to", "synapse", "destination"}}
SINGLE_CONNECTION_ATTRIBUTES["synapticConnectionWD"] = \
    SINGLE_CONNECTION_ATTRIBUTES["synapticConnection"] | {"weight", "delay"}
INPUT_ATTRIBUTES = {"id", "target", "destination", "segmentId", "fractionAlong", "weight"}
NETWORK_ELEMENTS = frozenset({"notes", "property", "annotation", "layout", "random", "unstructured",
                              "grid", "space", "structure", "region", "rectangularExtent",
                              "extracellularProperties"})


def _finish(doc: Document) -> None:
    """Lists to arrays, and the checks every file must pass."""
    for pop in doc.populations:
        if pop.instance_ids is not None:
            for name in ("instance_ids", "x", "y", "z"):
                setattr(pop, name, np.asarray(getattr(pop, name), dtype=np.int64 if name
                                              == "instance_ids" else np.float64))
            if pop.size and pop.size != len(pop.instance_ids):  # Ex26's postPop
                warnings.warn(f"{pop.where}: size {pop.size} but {len(pop.instance_ids)} "
                              f"instances: the {len(pop.instance_ids)} instances are built, "
                              "as jNeuroML builds them", stacklevel=2)
            pop.size = len(pop.instance_ids)
    for proj in doc.projections:
        cols = proj.columns
        for name, values in list(cols.items()):
            if name in ("synapse", *continuous.COLUMNS) or isinstance(values, np.ndarray):
                continue
            if name == "delay":
                cols[name] = _times(values, proj.where)
                continue
            cols[name] = np.asarray(values, dtype=np.float64 if name in (
                "pre_fraction", "post_fraction", "weight", "fraction") else np.int64)


def _times(texts, where) -> np.ndarray:
    """Delays such as '5.0ms' in ms (the common units without unit arithmetic)."""
    out = np.empty(len(texts))
    for i, text in enumerate(texts):
        if text.endswith("ms") and not text.endswith(" ms"):
            try:
                out[i] = float(text[:-2])
                continue
            except ValueError:
                pass
        try:
            out[i] = convert(text, "ms")
        except FormatError as err:
            raise FormatError(f"{where}: connection {i}: {err}") from None
    return out
