"""What is reported: the catalog of finding codes, a finding, a file's report, the tolerances."""
