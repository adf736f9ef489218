"""Writing the returned copy: annotations, the review sheet, print setup, conversions, atomic writes."""
