"""staff/yaml_writer.py: what it writes reads back the same, in our loader and in PyYAML
(YAML 1.1, as other tools read it); a new file never replaces an old one."""

from __future__ import annotations

import pytest
import yaml

from municipal.content.yaml_loader import parse_yaml, write_atomically
from municipal.staff.yaml_writer import UnwritableValue, create_new, dump

# Texts YAML 1.1 or our loader would read as something else if written bare.
TRAPS = ["0123", "0900456789", "no", "yes", "On", "null", "~", "", "true", "12.0", "1e3",
         "0x1f", "5678:02", "a: b", "#x", "x #y", " leading", "trailing ", "- item", "[a]",
         "{a}", "*alias", "&anchor", "!tag", "%x", "@x", "`x`", "'q'", '"q"', "a\nb", "ñandú",
         "Calle 4 No. 6-07", "CPS-012-2026", "https://x.gov.co/?a=1&b=2#c"]


@pytest.mark.parametrize("text", TRAPS)
def test_a_text_reads_back_as_the_same_text_in_both_readers(text):
    written = dump({"campo": text, "lista": [text], "grupo": {"dentro": text}})
    expected = {"campo": text, "lista": [text], "grupo": {"dentro": text}}
    assert parse_yaml(written).data == expected
    assert yaml.safe_load(written) == expected


def test_dates_and_numbers_are_written_as_in_the_examples():
    written = dump({"fecha": "2026-02-03", "valor": 38500000, "activo": True,
                    "documento": "1000000003", "vacio": None}, quoted=frozenset({"documento"}))
    assert written == ('fecha: 2026-02-03\nvalor: 38500000\nactivo: true\n'
                       'documento: "1000000003"\nvacio:\n')
    assert parse_yaml(written).data["fecha"] == "2026-02-03"  # text, as the validator reads it


def test_a_value_it_cannot_write_the_same_is_refused():
    with pytest.raises(UnwritableValue):
        dump({"documentos": [[1, 2]]})
    with pytest.raises(UnwritableValue):
        dump({None: "x"})


def test_create_new_never_replaces_a_file_and_write_atomically_does(tmp_path):
    path = tmp_path / "a" / "b.yml"
    create_new(path, "uno: 1\n")
    with pytest.raises(FileExistsError):
        create_new(path, "dos: 2\n")
    assert path.read_text(encoding="utf-8") == "uno: 1\n"
    write_atomically(path, "tres: 3\n")
    assert path.read_text(encoding="utf-8") == "tres: 3\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["b.yml"]  # no temporary left
