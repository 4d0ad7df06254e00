"""Generated gRPC/protobuf stubs for `cleaner.v1` (the client SDK); do not edit.

Regenerate with `make stubs` (python -m server.stubs) after changing
protos/cleaner/v1/cleaner.proto.
"""
