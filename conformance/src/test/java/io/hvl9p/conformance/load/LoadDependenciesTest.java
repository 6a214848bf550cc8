package io.hvl9p.conformance.load;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The load generator measures any 9P2000.L server, so it needs nothing of this project but
 * p9-protocol (and the JDK): it must keep working when pointed at diod from a build without the
 * server.
 */
class LoadDependenciesTest {
    @Test
    void loadGeneratorUsesOnlyTheProtocolModuleAndTheJdk() {
        JavaClasses load = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.hvl9p.conformance.load");
        assertThat(load.contain(LoadGenerator.class)).isTrue();
        classes()
                .that()
                .resideInAPackage("io.hvl9p.conformance.load..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.hvl9p.conformance.load..", "io.hvl9p.protocol..", "java..", "")
                .check(load);
    }
}
