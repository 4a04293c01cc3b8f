"""An import cannot set who owns, takes part in or sees the records it creates.

Owner, visibility and participants are not fields an import maps: imported records get
the importer as owner and the type's default visibility and participants, so `import`
grants nothing `change_user` or `change_visibility` would have to.
"""

import pytest

from modules.transfer.exceptions import ImportInvalid

pytestmark = pytest.mark.smoke

HEADER = ["Imię", "Nazwisko", "Właściciel", "Widoczność", "Uczestnicy"]
ROWS = [["Anna", "Nowak", "1", "hidden", "1"]]


@pytest.mark.parametrize("target", ["owner", "visibility", "participants"])
def test_a_column_cannot_be_mapped_to_sharing(upload, imports, admin, target):
    # given
    batch = upload("persons", "csv", HEADER, ROWS)
    column = HEADER[2 + ["owner", "visibility", "participants"].index(target)]
    mapping = {"Imię": "first_name", "Nazwisko": "last_name", column: target}
    # when
    with pytest.raises(ImportInvalid) as refusal:
        imports.dry_run(admin, batch.pk, mapping=mapping, mode="create")
    # then
    assert list(refusal.value.errors) == [f"mapping.{column}"]
