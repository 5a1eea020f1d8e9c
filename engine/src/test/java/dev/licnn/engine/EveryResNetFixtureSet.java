package dev.licnn.engine;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A test that compares a ResNet with golden fixtures: it runs once per ResNet fixture set (the
 * ResNet sets of {@link GoldenTolerances}) and takes that set's {@link ResNetGoldenFixtures} of the
 * net {@link #value()} as its parameter, the only way to read them.
 *
 * <pre>{@code
 * @EveryResNetFixtureSet("resnet18")
 * void saliency_matchesReference(ResNetGoldenFixtures fx) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "fixture set {0}", autoCloseArguments = false)
@ArgumentsSource(ResNetFixtureSets.class)
public @interface EveryResNetFixtureSet {

    /** The net: {@code resnet18} or {@code resnet50}. */
    String value();
}
