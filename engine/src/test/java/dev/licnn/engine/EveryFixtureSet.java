package dev.licnn.engine;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A test that compares with golden fixtures: it runs once per fixture set (the sets of {@link
 * GoldenTolerances}) and takes that set's {@link GoldenFixtures} as its parameter. This is the only
 * way to get expected outputs, so no test can hold the engine to one CPU's numbers by accident.
 *
 * <pre>{@code
 * @EveryFixtureSet
 * void saliency_matchesReference(GoldenFixtures fx) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
// The fixtures are shared by every test of the run and closed when it ends, not after each test.
@ParameterizedTest(name = "fixture set {0}", autoCloseArguments = false)
@ArgumentsSource(GoldenFixtureSets.class)
public @interface EveryFixtureSet {}
