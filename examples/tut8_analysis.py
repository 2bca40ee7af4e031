"""Tutorial 8 analysis: the firing rate of population M over the batch's two parameters.

Run `python tut8_batch.py` first (it writes tut8_data/), then `python tut8_analysis.py`: it
prints one row per run and writes tut8_analysis.png, a heatmap of popRates.M over connWeight
and synMechTau2. NetPyNE's script needs pandas and seaborn; this one needs neither
(table.to_pandas() gives a DataFrame when pandas is installed).
"""
from pathlib import Path

from neuroloom.batch import load
from neuroloom.plotting import plot_heatmap

HERE = Path(__file__).resolve().parent  # the data and the figure sit beside this script


def main():
    table = load(HERE / "tut8_data")
    print(table)
    if table.unfinished:
        print(f"{len(table.unfinished)} runs have not finished: {', '.join(table.unfinished)}")
    plot_heatmap(table, "connWeight", "synMechTau2", "popRates.M",
                 filename=HERE / "tut8_analysis.png")
    print(f"wrote {HERE / 'tut8_analysis.png'}")


if __name__ == "__main__":
    main()
