"""The operator page `/ops`: its figures as plain data (`overview`) and its HTML (`render`), both pure."""
