"""`python -m ftcost.pricing [DIR]`: regenerate the JSON Schemas of the pricing files (pricing/schema/)."""

import sys
from pathlib import Path

from ftcost.data import data_dir
from ftcost.pricing.schema_export import write_schemas

target = Path(sys.argv[1]) if len(sys.argv) > 1 else data_dir("pricing") / "schema"
for path in write_schemas(target):
    print(path)
