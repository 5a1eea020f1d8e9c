/**
 * Hand-written helpers shared by both ends of the {@code licnn.v1} contract, beside the classes
 * generated from {@code proto/src/main/proto}: {@link dev.licnn.proto.Float16}, the one float16
 * codec of encoded maps.
 *
 * <p>It must depend on nothing but protobuf and gRPC: no engine, server or client classes.
 */
package dev.licnn.proto;
