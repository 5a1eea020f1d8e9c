package dev.licnn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.model.ModelCard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Variant names are canonical: equivalent spellings are one model, so one cache entry. */
class ServedModelsTest {

    private static final ServedModels MODELS = new ServedModels(List.of(TestServer.narrowCard()));

    @Test
    void equivalentVariantSpellings_nameOneModel() {
        String canonical = "narrow?reinit=classifier.3,classifier.6&seed=1";
        for (String spelling :
                List.of(
                        "narrow?reinit=classifier.3,classifier.6&seed=1",
                        "narrow?reinit=classifier.6,classifier.3&seed=01",
                        "narrow?seed=1&reinit=classifier.6,classifier.3,classifier.6",
                        "narrow?reinit=classifier.6,classifier.3&seed=1&seed=1",
                        "narrow?reinit=classifier.6,,classifier.3&reinit=classifier.3,classifier.6&seed=1")) {
            ModelCard c = MODELS.get(spelling);
            assertEquals(canonical, c.name(), spelling);
            assertEquals(List.of("classifier.3", "classifier.6"), c.reinitialisedModules());
        }
        assertEquals(
                "narrow?reinit=classifier.6&seed=0",
                MODELS.get("narrow?reinit=classifier.6").name());
    }

    @Test
    void variantThatReinitialisesNothing_isTheBaseModel() {
        ModelCard base = MODELS.get("narrow");
        for (String spelling :
                List.of("narrow?seed=1", "narrow?seed=01", "narrow?reinit=&seed=1")) {
            assertSame(base, MODELS.get(spelling), spelling);
        }
    }

    @Test
    void conflictingOrBadParameters_areRefusedByName() {
        InvalidInputException seeds =
                assertThrows(
                        InvalidInputException.class,
                        () -> MODELS.get("narrow?reinit=classifier.6&seed=1&seed=2"));
        assertTrue(seeds.getMessage().contains("seed is given twice"), seeds.getMessage());
        InvalidInputException reinit =
                assertThrows(
                        InvalidInputException.class,
                        () -> MODELS.get("narrow?reinit=classifier.6&reinit=classifier.3"));
        assertTrue(reinit.getMessage().contains("reinit is given twice"), reinit.getMessage());
        InvalidInputException unknown =
                assertThrows(InvalidInputException.class, () -> MODELS.get("narrow?depth=3"));
        assertTrue(unknown.getMessage().contains("unknown model variant parameter 'depth'"));
    }
}
