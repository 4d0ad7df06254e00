"""The gRPC service around `cleaner`: servicer, process model, health, reflection, limits.

`cleaner serve` (cleaner/_cli_serve.py) imports this package only when run.
"""
