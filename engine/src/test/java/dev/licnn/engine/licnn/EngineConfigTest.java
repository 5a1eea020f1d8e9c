package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void forDevice_tensorsOnGpu_javaGatesOnCpu_batchedOnBoth() {
        assertEquals(
                new EngineConfig(EngineConfig.Inhibition.TENSOR, true),
                EngineConfig.forDevice(Device.gpu(0)));
        assertEquals(
                new EngineConfig(EngineConfig.Inhibition.JAVA, true),
                EngineConfig.forDevice(Device.cpu()));
    }

    @Test
    void parse_readsBothParts_andAuto() {
        assertEquals(
                new EngineConfig(EngineConfig.Inhibition.TENSOR, true),
                EngineConfig.parse(" Tensor,batch ", Device.cpu()));
        assertEquals(
                new EngineConfig(EngineConfig.Inhibition.JAVA, false),
                EngineConfig.parse("java", Device.cpu()));
        assertEquals(
                EngineConfig.forDevice(Device.gpu(1)), EngineConfig.parse("auto", Device.gpu(1)));
        assertEquals(
                "java,per-class", EngineConfig.parse("java,per-class", Device.cpu()).toString());
    }

    @Test
    void parse_namesWhatIsWrong() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> EngineConfig.parse("java,fast", Device.cpu()));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> EngineConfig.parse("batch", Device.cpu()));
        assertTrue(e.getMessage().contains("java or tensor"), e.getMessage());
    }
}
