"""The descriptor of google/rpc/status.proto, built from google.rpc.Status's three fields.

The licnn.v1 contract imports google/rpc/status.proto (for in-band failures). Debian packages
no googleapis-common-protos, so the build hands protoc this descriptor instead of the file, and
licnn._status registers it at run time when google.rpc.status_pb2 is not installed. The wire
format is the same: Status { int32 code = 1; string message = 2; repeated Any details = 3; }.
Imports nothing from the licnn package (setup.py loads it before the package exists).
"""
from google.protobuf import any_pb2, descriptor_pb2

FILE_NAME = "google/rpc/status.proto"


def file_descriptor() -> descriptor_pb2.FileDescriptorProto:
    """The FileDescriptorProto of google/rpc/status.proto."""
    f = descriptor_pb2.FileDescriptorProto(
        name=FILE_NAME, package="google.rpc", syntax="proto3", dependency=["google/protobuf/any.proto"])
    m = f.message_type.add(name="Status")
    fd = descriptor_pb2.FieldDescriptorProto
    m.field.add(name="code", number=1, type=fd.TYPE_INT32, label=fd.LABEL_OPTIONAL, json_name="code")
    m.field.add(name="message", number=2, type=fd.TYPE_STRING, label=fd.LABEL_OPTIONAL, json_name="message")
    m.field.add(name="details", number=3, type=fd.TYPE_MESSAGE, label=fd.LABEL_REPEATED,
                type_name=".google.protobuf.Any", json_name="details")
    return f


def descriptor_set() -> descriptor_pb2.FileDescriptorSet:
    """google/protobuf/any.proto and google/rpc/status.proto, for protoc --descriptor_set_in."""
    any_file = descriptor_pb2.FileDescriptorProto()
    any_pb2.DESCRIPTOR.CopyToProto(any_file)
    return descriptor_pb2.FileDescriptorSet(file=[any_file, file_descriptor()])
