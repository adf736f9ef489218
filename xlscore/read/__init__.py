"""Reading a file: sniffing and guarding it, its sheets and cells, the numbers typed in them."""
