package dev.licnn;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The arrows that README's architecture table forbids, checked on the compiled classes (every
 * reference, not only {@code import} lines). {@link #everyRule_failsOnAForbiddenReference} shows
 * that each rule fails on a class that breaks it.
 */
class ArchitectureTest {

    static final ArchRule ENGINE =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.engine..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "io.grpc..",
                            "dev.licnn.proto..",
                            "com.google.protobuf..",
                            "dev.licnn.server..",
                            "dev.licnn.batch..",
                            "dev.licnn.dataset..",
                            "dev.licnn.train..")
                    .as(
                            "the engine imports no gRPC, protocol, server, batching or dataset classes");

    static final ArchRule IMAGE =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.engine.image..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("io.grpc..", "ai.djl..")
                    .as("image decoding imports neither gRPC nor DJL");

    static final ArchRule BATCH =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.batch..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "dev.licnn.engine..",
                            "ai.djl..",
                            "io.grpc..",
                            "dev.licnn.proto..",
                            "com.google.protobuf..",
                            "dev.licnn.server..")
                    .as("the batching library imports no LICNN, DJL, gRPC or protocol classes");

    static final ArchRule DATASET =
            noClasses()
                    .that()
                    .resideInAnyPackage("dev.licnn.dataset..", "dev.licnn.train..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("dev.licnn.server..", "io.grpc..", "dev.licnn.proto..")
                    .as(
                            "the dataset generator and the trainer import no server, gRPC or protocol classes");

    static final ArchRule ENGINES =
            noClasses()
                    .that()
                    .resideInAnyPackage("dev.licnn.engine.baseline..", "dev.licnn.engine.explain..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("dev.licnn.engine.licnn..")
                    .as("the baselines and the shared explaining types do not import LICNN");

    static final ArchRule WEB =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.server.web..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "ai.djl..",
                            "dev.licnn.engine..",
                            "dev.licnn.batch..",
                            "dev.licnn.proto..",
                            "dev.licnn.server")
                    .as(
                            "the web port hosts the gRPC services it is given: no LICNN, batching, DJL, protocol or server classes");

    static final ArchRule EXPERIMENTS =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.experiments..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "dev.licnn.server..",
                            "dev.licnn.batch..",
                            "dev.licnn.bench..",
                            "dev.licnn.cli..",
                            "dev.licnn.train..",
                            "dev.licnn.engine",
                            "dev.licnn.engine.model..",
                            "dev.licnn.engine.explain..",
                            "dev.licnn.engine.licnn..",
                            "dev.licnn.engine.baseline..",
                            "dev.licnn.engine.bench..",
                            "ai.djl..",
                            "picocli..")
                    .orShould()
                    .dependOnClassesThat()
                    .haveNameMatching("io\\.grpc\\..*Server.*")
                    .as(
                            "the experiments use the client, the dataset and the engine's image package only: no server, "
                                    + "batching, gRPC server, picocli or other engine classes");

    static final ArchRule CLI_WIRES =
            noClasses()
                    .that()
                    .resideInAPackage("dev.licnn.cli.experiment..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "java.awt..",
                            "javax.imageio..",
                            "com.google.gson..",
                            "dev.licnn.proto..",
                            "dev.licnn.client..",
                            "dev.licnn.experiments.stats..",
                            "dev.licnn.experiments.measure..",
                            "dev.licnn.experiments.imaging..")
                    .as(
                            "the experiment commands only wire options to the experiments: no statistics, measures, "
                                    + "imaging, report formatting, requests or protocol classes of their own");

    private static final JavaClasses MAIN =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.licnn");

    @Test
    void engine_importsNoGrpcProtoServerOrBatch() {
        ENGINE.check(MAIN);
    }

    @Test
    void imageDecoding_importsNoGrpcOrDjl() {
        IMAGE.check(MAIN);
    }

    @Test
    void batch_importsNoLicnnDjlOrGrpc() {
        BATCH.check(MAIN);
    }

    @Test
    void datasetAndTrainer_importNoServer() {
        DATASET.check(MAIN);
    }

    @Test
    void baselines_importNoLicnn() {
        ENGINES.check(MAIN);
    }

    @Test
    void webPort_knowsNoLicnnOrBatching() {
        WEB.check(MAIN);
    }

    @Test
    void experiments_useNoServerBatchingOrPicocli() {
        EXPERIMENTS.check(MAIN);
    }

    @Test
    void experimentCommands_onlyWire() {
        CLI_WIRES.check(MAIN);
    }

    @Test
    void everyRule_failsOnAForbiddenReference() {
        Map<ArchRule, Class<?>> breaking =
                Map.of(
                        ENGINE, dev.licnn.engine.ArchViolations.EngineUsesGrpc.class,
                        IMAGE, dev.licnn.engine.image.ArchViolations.ImageUsesDjl.class,
                        BATCH, dev.licnn.batch.ArchViolations.BatchUsesEngine.class,
                        DATASET, dev.licnn.dataset.ArchViolations.DatasetUsesServer.class,
                        WEB, dev.licnn.server.web.ArchViolations.WebUsesBatch.class,
                        ENGINES, dev.licnn.engine.baseline.ArchViolations.BaselineUsesLicnn.class,
                        EXPERIMENTS,
                                dev.licnn.experiments.ArchViolations.ExperimentStartsServer.class,
                        CLI_WIRES, dev.licnn.cli.experiment.ArchViolations.CommandDraws.class);
        breaking.forEach(
                (rule, cls) -> {
                    JavaClasses one = new ClassFileImporter().importClasses(cls);
                    assertThrows(
                            AssertionError.class,
                            () -> rule.check(one),
                            rule.getDescription() + " let " + cls.getName() + " through");
                });
    }
}
