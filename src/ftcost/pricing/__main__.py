"""`python -m ftcost.pricing [DIR]`: regenerate the JSON Schemas of the pricing files (pricing/schema/)."""

import argparse
from pathlib import Path

from ftcost.data import data_dir
from ftcost.pricing.schema_export import write_schemas

parser = argparse.ArgumentParser(
    prog="python -m ftcost.pricing",
    description="Regenerate the JSON Schemas of the pricing files from the loader's row types.",
)
parser.add_argument(
    "folder",
    nargs="?",
    type=Path,
    default=data_dir("pricing") / "schema",
    help="where to write them (default: %(default)s)",
)
for path in write_schemas(parser.parse_args().folder):
    print(path)
