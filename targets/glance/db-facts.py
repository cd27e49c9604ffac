"""What Glance's own database holds after a run, read directly (not through the API), as JSON on stdout.

  duplicates  tags stored twice or more on one image (the same exact value, live rows): Glance answers 500 to every
              delete of such a tag, and no API call removes it. Only overlapping writes create them.
  folded      live tags that share their value, under the column's collation, with another live tag of the image of
              a different exact value (MariaDB's utf8mb3_general_ci: `Key` beside `key`, `env ` beside `env`):
              Glance's delete then matches two rows and answers 500, so neither can be removed through the API.
  collation   image_tags.value's collation (MariaDB), for the record.

Run by run-glance.sh after the command, with the database URL in GLANCE_DB_URL (never on a command line).
Rows Glance soft-deleted (deleted = true) are history, not tags, and are left out.
"""
import json
import os
import sys

import sqlalchemy as sa

url = os.environ["GLANCE_DB_URL"]
engine = sa.create_engine(url)
dialect = engine.dialect.name
exact = "BINARY value" if dialect == "mysql" else "value"
facts = {"database": dialect, "duplicates": [], "folded": [], "collation": None, "liveTags": 0}
with engine.connect() as db:
    facts["liveTags"] = db.execute(sa.text("SELECT count(*) FROM image_tags WHERE NOT deleted")).scalar()
    for image, value, rows in db.execute(sa.text(
        f"SELECT image_id, MIN(value), count(*) FROM image_tags WHERE NOT deleted GROUP BY image_id, {exact} HAVING count(*) > 1"
    )):
        facts["duplicates"].append({"image": image, "value": value, "rows": rows})
    if dialect == "mysql":
        facts["collation"] = db.execute(sa.text(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name = 'image_tags' AND column_name = 'value'"
        )).scalar()
        for image, value in db.execute(sa.text(
            "SELECT t.image_id, t.value FROM image_tags t WHERE NOT t.deleted AND EXISTS (SELECT 1 FROM image_tags u "
            "WHERE u.image_id = t.image_id AND NOT u.deleted AND u.value = t.value AND BINARY u.value <> BINARY t.value)"
        )):
            facts["folded"].append({"image": image, "value": value})
json.dump(facts, sys.stdout, ensure_ascii=False)
sys.stdout.write("\n")
