package io.hvl9p.daemon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hard rule of architecture.md, section 2: which module may depend on which. Each module is
 * its root package; a class may use classes of its own module, of the modules the table allows,
 * and anything outside {@code io.hvl9p}. JDK-only modules may use only {@code java..}.
 */
class DependencyRulesTest {
    /** module package -> packages it may use (its own included). */
    static final Map<String, String[]> ALLOWED = Map.of(
            "io.hvl9p.protocol", new String[] {"io.hvl9p.protocol.."},
            "io.hvl9p.server", new String[] {"io.hvl9p.server..", "io.hvl9p.protocol.."},
            "io.hvl9p.exports", new String[] {"io.hvl9p.exports..", "io.hvl9p.server..", "io.hvl9p.protocol.."},
            "io.hvl9p.transport", new String[] {"io.hvl9p.transport.."},
            "io.hvl9p.virtio9p",
                    new String[] {
                        "io.hvl9p.virtio9p..", "io.hvl9p.transport..", "io.hvl9p.server..", "io.hvl9p.protocol.."
                    },
            "io.hvl9p.console", new String[] {"io.hvl9p.console..", "io.hvl9p.transport.."});

    /** Modules that may depend on the JDK only. */
    static final String[] JDK_ONLY = {"io.hvl9p.protocol", "io.hvl9p.transport"};

    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.hvl9p");

    static ArchRule rule(String module) {
        String[] allowed = ALLOWED.get(module);
        DescribedPredicate<JavaClass> ok = JavaClass.Predicates.resideOutsideOfPackage("io.hvl9p..")
                .or(JavaClass.Predicates.resideInAnyPackage(allowed));
        if (Arrays.asList(JDK_ONLY).contains(module)) {
            ok = JavaClass.Predicates.resideInAnyPackage(allowed)
                    .or(JavaClass.Predicates.resideInAnyPackage("java..", ""));
        }
        return classes()
                .that()
                .resideInAPackage(module + "..")
                .should()
                .onlyDependOnClassesThat(ok)
                .because("architecture.md section 2 allows " + module + " to use only " + Arrays.toString(allowed)
                        + (Arrays.asList(JDK_ONLY).contains(module) ? " and the JDK" : ""))
                .allowEmptyShould(true);
    }

    static Stream<Arguments> modules() {
        return ALLOWED.keySet().stream().sorted().map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("modules")
    void moduleDependsOnlyOnWhatTheTableAllows(String module) {
        rule(module).check(PRODUCTION);
    }

    @Test
    void productionClassesWereFound() {
        assertThat(PRODUCTION.stream().map(JavaClass::getPackageName).distinct())
                .contains("io.hvl9p.protocol", "io.hvl9p.transport", "io.hvl9p.server", "io.hvl9p.daemon");
    }

    @Test
    void ruleCatchesATransportClassThatUsesThe9pProtocol() {
        JavaClasses bad = new ClassFileImporter().importClasses(io.hvl9p.transport.violation.Uses9p.class);
        EvaluationResult result = rule("io.hvl9p.transport").evaluate(bad);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("io.hvl9p.protocol");
    }
}
