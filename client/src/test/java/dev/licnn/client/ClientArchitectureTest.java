package dev.licnn.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The client library depends on the generated stubs and gRPC only (README's architecture table).
 */
class ClientArchitectureTest {

    static final ArchRule CLIENT =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.client..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "dev.licnn.server..",
                            "dev.licnn.engine..",
                            "dev.licnn.batch..",
                            "dev.licnn.dataset..",
                            "dev.licnn.train..",
                            "ai.djl..")
                    .as("the client imports no server, engine, batching or DJL classes");

    @Test
    void client_importsNoServerEngineOrDjl() {
        CLIENT.check(
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.licnn.client"));
    }

    /** A class that breaks the rule on purpose: the rule must catch it. */
    static final class ClientUsesServer {
        Class<?> server() {
            return dev.licnn.server.ServerSideType.class;
        }
    }

    @Test
    void rule_failsOnAForbiddenReference() {
        JavaClasses one = new ClassFileImporter().importClasses(ClientUsesServer.class);
        assertThrows(AssertionError.class, () -> CLIENT.check(one));
    }
}
