package dev.licnn.engine.model;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Header entry of one tensor in a safetensors file.
 *
 * @param name tensor name
 * @param dataType element type as stored in the file (before any conversion on load)
 * @param shape tensor shape
 * @param begin start offset of the data, relative to the start of the data section
 * @param end end offset (exclusive), relative to the start of the data section
 */
public record TensorInfo(String name, DataType dataType, Shape shape, long begin, long end) {

    /**
     * @return number of data bytes of this tensor
     */
    public long byteSize() {
        return end - begin;
    }
}
