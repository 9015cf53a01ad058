package dev.quicksilver.index.workspace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A local repository built by hand: parent properties, managed versions and exclusions, transitive deps. */
class MavenDependenciesTest {
    @TempDir
    Path base;

    private Path artifact(Path repo, String g, String a, String v, String pomBody) throws IOException {
        Path dir = repo.resolve(g.replace('.', '/')).resolve(a).resolve(v);
        Files.createDirectories(dir);
        Files.write(dir.resolve(a + "-" + v + ".jar"), new byte[]{'P', 'K'});
        Files.writeString(dir.resolve(a + "-" + v + ".pom"), "<project><groupId>" + g + "</groupId><artifactId>" + a
                + "</artifactId><version>" + v + "</version>" + pomBody + "</project>");
        return dir.resolve(a + "-" + v + ".jar");
    }

    @Test
    void resolvesDeclaredAndTransitiveJarsFromTheLocalRepositoryOnly() throws IOException {
        Path repo = base.resolve("repo");
        Path core = artifact(repo, "org.x", "core", "2.0", "<dependencies>"
                + "<dependency><groupId>org.x</groupId><artifactId>util</artifactId><version>1.1</version></dependency>"
                + "<dependency><groupId>org.x</groupId><artifactId>noisy</artifactId><version>1.0</version></dependency>"
                + "<dependency><groupId>org.x</groupId><artifactId>opt</artifactId><version>1.0</version><optional>true</optional></dependency>"
                + "<dependency><groupId>org.x</groupId><artifactId>testonly</artifactId><version>1.0</version><scope>test</scope></dependency>"
                + "</dependencies>");
        Path util = artifact(repo, "org.x", "util", "1.1", "");
        artifact(repo, "org.x", "noisy", "1.0", "");
        artifact(repo, "org.x", "opt", "1.0", "");
        Path ws = Files.createDirectories(base.resolve("ws/module"));
        Files.writeString(ws.resolveSibling("pom.xml"), """
                <project><groupId>demo</groupId><artifactId>parent</artifactId><version>1</version>
                  <properties><core.version>2.0</core.version></properties>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>org.x</groupId><artifactId>core</artifactId><version>${core.version}</version>
                      <exclusions><exclusion><groupId>org.x</groupId><artifactId>noisy</artifactId></exclusion></exclusions>
                    </dependency>
                  </dependencies></dependencyManagement>
                </project>
                """);
        Files.writeString(ws.resolve("pom.xml"), """
                <project><parent><groupId>demo</groupId><artifactId>parent</artifactId><version>1</version></parent>
                  <artifactId>module</artifactId>
                  <dependencies>
                    <dependency><groupId>org.x</groupId><artifactId>core</artifactId></dependency>
                    <dependency><groupId>org.x</groupId><artifactId>absent</artifactId><version>3</version></dependency>
                  </dependencies>
                </project>
                """);
        MavenDependencies.Resolution r = new MavenDependencies(repo).resolve(ws.resolve("pom.xml"));
        assertEquals(List.of(core, util), r.jars());
        assertEquals(List.of(new MavenDependencies.Coordinates("org.x", "absent", "3", "")), r.missing());
    }
}
