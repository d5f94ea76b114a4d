"""Line numbers of keys and tables in a TOML text, as config errors report them."""

from analytics.config.toml_lines import key_lines, line_of

TEXT = """\
title = "x"                      # 1
[server]                         # 2
host = "h"                       # 3
"odd key".inner = 1              # 4

[[cameras]]                      # 6
id = "a"                         # 7
polygon = [                      # 8
  [0.1, 0.2],                    # 9
  [0.3, 0.4]
]
[[cameras.zones]]                # 12
name = "z"                       # 13
[[cameras]]                      # 14
note = \"\"\"
[not.a.table]
\"\"\"
[[cameras.zones]]                # 18
[[cameras.zones]]                # 19
name = "second"                  # 20
[cameras.zones.alert]            # 21
id = 1                           # 22
"""


def test_keys_and_tables_get_their_lines_with_array_indexes() -> None:
    lines = key_lines(TEXT)

    assert lines[("title",)] == 1
    assert lines[("server", "host")] == 3
    assert lines[("server", "odd key", "inner")] == 4
    assert lines[("cameras", 0, "polygon")] == 8
    assert lines[("cameras", 0, "zones", 0, "name")] == 13
    assert lines[("cameras", 1)] == 14
    assert lines[("cameras", 1, "zones", 0)] == 18
    assert lines[("cameras", 1, "zones", 1, "name")] == 20
    assert lines[("cameras", 1, "zones", 1, "alert", "id")] == 22


def test_rows_of_arrays_and_multiline_strings_are_not_tables() -> None:
    lines = key_lines(TEXT)

    assert ("not",) not in lines
    assert not any(isinstance(part, float) for path in lines for part in path)
    assert ("cameras", 1, "zones", 0) in lines  # the multi-line string did not hide the next header


def test_a_key_not_written_falls_back_to_its_table() -> None:
    lines = key_lines(TEXT)

    assert line_of(lines, ("cameras", 1, "zones", 1, "polygon")) == 19
    assert line_of(lines, ("cameras", 0, "polygon", 1, 0)) == 8
    assert line_of(lines, ("nowhere",)) is None
