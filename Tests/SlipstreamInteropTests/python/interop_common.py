"""Shared by interop_server.py and interop_client.py: compiles proto-spec/grpc/testing with
grpc_tools.protoc into a temporary directory at run time and imports the generated modules."""

import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

MISSING_TOOLS_EXIT = 3


def require_grpc(program: str) -> None:
    """Exits with MISSING_TOOLS_EXIT and an install hint when grpcio/grpcio-tools are missing."""
    try:
        import grpc  # noqa: F401
        import grpc_tools  # noqa: F401
    except ImportError as error:
        print(f"{program}: {error}. Install the Python gRPC peers: pip install -r Tests/requirements.txt",
              file=sys.stderr)
        sys.exit(MISSING_TOOLS_EXIT)


def default_proto_spec() -> Path:
    """proto-spec/ of this repository (this file is Tests/SlipstreamInteropTests/python/)."""
    return Path(__file__).resolve().parents[3] / "proto-spec"


def load_stubs(proto_spec: Path):
    """Compiles grpc/testing/*.proto and returns (empty_pb2, messages_pb2, test_pb2_grpc)."""
    out = Path(tempfile.mkdtemp(prefix="slipstream-interop-py-"))
    protos = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"]
    command = [sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_spec}",
               f"--python_out={out}", f"--grpc_python_out={out}", *protos]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"grpc_tools.protoc failed:\n{result.stderr}", file=sys.stderr)
        sys.exit(2)
    # The generated modules import each other as grpc.testing.X. Installed grpcio has no
    # grpc.testing package, so register one whose path is the generated directory.
    import importlib.machinery
    import importlib.util
    import grpc
    package = importlib.util.module_from_spec(
        importlib.machinery.ModuleSpec("grpc.testing", None, is_package=True))
    package.__path__ = [str(out / "grpc" / "testing")]
    sys.modules["grpc.testing"] = package
    grpc.testing = package
    return tuple(importlib.import_module(f"grpc.testing.{name}")
                 for name in ("empty_pb2", "messages_pb2", "test_pb2_grpc"))
