"""The documentation: a strict MkDocs build, and the checks that keep docs/ honest.

The build runs the venv's mkdocs (skipped only when MkDocs is not installed); the other
checks read the files and need neither MkDocs nor NEURON: every page in the navigation
exists and every page is in it, every image a page shows exists, every figure is shown,
the tutorial pages show the examples as they are, and the benchmark page shows the report
of the committed results.
"""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
KEY_PAGES = ["index.html", "install/index.html", "quickstart/index.html",
             *[f"tutorials/tut{n}/index.html" for n in range(1, 11)],
             "migration/index.html", "neuroml/index.html", "sonata/index.html",
             "mpi/index.html", "batch/index.html", "cli/index.html", "api/index.html",
             "benchmarks/index.html"]
MAX_FIGURE_BYTES = 1_000_000


def mkdocs_command():
    """The venv's mkdocs: beside this Python, else `python -m mkdocs`; None if absent."""
    beside = Path(sys.executable).parent / "mkdocs"
    if beside.exists():
        return [str(beside)]
    if importlib.util.find_spec("mkdocs") is not None:
        return [sys.executable, "-m", "mkdocs"]
    return None


def nav_pages():
    """The .md files the nav of mkdocs.yml names (relative to docs/)."""
    text = CONFIG.read_text()
    nav = text[text.index("\nnav:"):]
    return re.findall(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w./-]+\.md)\s*$", nav, flags=re.M)


def pages():
    return sorted(DOCS.rglob("*.md"))


def images(page: Path):
    """Local image paths a Markdown page shows, resolved against the page's folder."""
    text = page.read_text()
    found = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text)
    found += re.findall(r"<img[^>]*\ssrc=\"([^\"]+)\"", text)
    return [(ref, (page.parent / ref).resolve()) for ref in found
            if not re.match(r"[a-z]+://", ref)]


def test_strict_build(tmp_path):
    command = mkdocs_command()
    if command is None:
        pytest.skip("MkDocs is not installed (pip install -e '.[docs]')")
    site = tmp_path / "site"
    done = subprocess.run([*command, "build", "--strict", "-f", str(CONFIG), "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    assert "WARNING" not in done.stderr, done.stderr
    missing = [page for page in KEY_PAGES if not (site / page).is_file()]
    assert not missing, f"pages missing from the site: {missing}"
    api = (site / "api" / "index.html").read_text()
    for anchor in ("neuroloom.sim.createSimulateAnalyze", "neuroloom.specs.NetParams",
                   "neuroloom.batch.Batch", "neuroloom.exporters.sonata.export",
                   "neuroloom.importers.neuroml.load", "neuroloom.sim.analysis.plotLFP",
                   "neuroloom.sim.analysis.plotCSD",
                   "neuroloom.sim.analysis.plotRxDConcentration",
                   "neuroloom.sim.views.NetView.addRxD"):
        assert f'id="{anchor}"' in api, f"the API reference lacks {anchor}"
    tut2 = (site / "tutorials" / "tut2" / "index.html").read_text()
    assert "../../figures/tut2_raster.png" in tut2
    assert (site / "figures" / "tut2_raster.png").is_file()


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    listed = nav_pages()
    assert "index.md" in listed and len(listed) >= 20, listed
    missing = [name for name in listed if not (DOCS / name).is_file()]
    assert not missing, f"mkdocs.yml's nav names pages that do not exist: {missing}"
    unlisted = [str(p.relative_to(DOCS)) for p in pages()
                if str(p.relative_to(DOCS)) not in listed]
    assert not unlisted, f"pages missing from mkdocs.yml's nav: {unlisted}"


def test_every_image_exists_and_every_figure_is_shown():
    shown = set()
    for page in pages():
        for ref, path in images(page):
            assert path.is_file(), f"{page.relative_to(ROOT)} shows {ref}, which does not exist"
            shown.add(path)
    figures = sorted((DOCS / "figures").glob("*.png"))
    assert figures, "docs/figures/ holds no figures (run docs/make_figures.py)"
    unused = [f.name for f in figures if f.resolve() not in shown]
    assert not unused, f"figures no page shows: {unused}"
    large = [f"{f.name} ({f.stat().st_size} bytes)" for f in figures
             if f.stat().st_size > MAX_FIGURE_BYTES]
    assert not large, f"figures over {MAX_FIGURE_BYTES} bytes: {large}"


def test_make_figures_writes_exactly_the_committed_figures():
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines things only: nothing runs on import
    produced = {figure for _, _, outputs in module.TUTORIALS.values()
                for figure in outputs.values()}
    committed = {f.name for f in (DOCS / "figures").glob("*.png")}
    assert produced == committed, (f"only made: {sorted(produced - committed)}; "
                                   f"only committed: {sorted(committed - produced)}")
    for files, script, _ in module.TUTORIALS.values():
        for name in [*files, script]:
            assert (ROOT / "examples" / name).is_file(), f"examples/{name} is gone"


def test_tutorial_pages_show_the_examples_as_they_are():
    shown = {}
    for page in sorted((DOCS / "tutorials").glob("tut*.md")):
        blocks = re.findall(r"<!-- example: (examples/[\w.]+) -->\n```python\n(.*?)\n```\n",
                            page.read_text(), flags=re.S)
        assert blocks, f"{page.name} shows no example"
        for name, code in blocks:
            shown[name] = page.name
            assert code == (ROOT / name).read_text().rstrip(), (
                f"{page.relative_to(ROOT)} shows an old {name}: paste the file again")
    for n in range(1, 8):
        assert f"examples/tut{n}.py" in shown
    for name in ("tut8_batch.py", "tut8_cfg.py", "tut8_init.py", "tut8_netParams.py",
                 "tut8_analysis.py", "HHTut.py", "lfp_cell.py", "lfp_net.py",
                 "rxd_buffering.py", "rxd_net.py"):
        assert f"examples/{name}" in shown


def test_benchmark_page_shows_the_committed_report():
    text = (DOCS / "benchmarks.md").read_text()
    reports = re.findall(r"<!-- report: (bench/results/[\w.-]+\.json) -->\n```\n(.*?)\n```",
                         text, flags=re.S)
    assert reports, "benchmarks.md shows no report"
    for results, shown in reports:
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--report",
                               str(ROOT / results)], capture_output=True, text=True, check=True)
        assert shown.strip() == done.stdout.strip(), (
            f"benchmarks.md shows another report than `python bench/run.py --report {results}`")
