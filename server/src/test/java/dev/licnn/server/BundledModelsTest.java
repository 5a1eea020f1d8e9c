package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggSpec;
import org.junit.jupiter.api.Test;

class BundledModelsTest {

    @Test
    void randomNarrow_dividesTheWidths_andKeepsTheThousandImagenetClasses() {
        ModelCard card = BundledModels.random("vgg11/16");
        assertEquals("vgg11-16-random", card.name());
        int[] full = VggSpec.byName("vgg11").layers();
        int[] narrow = card.spec().layers();
        assertEquals(full.length, narrow.length);
        for (int i = 0; i < full.length; i++) {
            assertEquals(
                    full[i] < 0 ? full[i] : Math.max(1, full[i] / 16), narrow[i], "layer " + i);
        }
        assertEquals(128, card.spec().hidden());
        assertEquals(1000, card.spec().numClasses());
        assertEquals(1000, card.labels().size());
        assertEquals("Staffordshire bullterrier", card.labels().byId(179).name());
    }

    @Test
    void randomWithClasses_keepsTheWidths_andIndexesTheLabels() {
        ModelCard card = BundledModels.random("vgg11:7");
        assertArrayEquals(VggSpec.byName("vgg11").layers(), card.spec().layers());
        assertEquals(7, card.spec().numClasses());
        assertEquals("class_3", card.labels().byId(3).name());
    }
}
