"""The transparency menu of Res. 1519 de 2020: its catalogue, its rules and its matrix."""
