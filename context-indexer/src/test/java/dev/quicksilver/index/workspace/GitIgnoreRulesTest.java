package dev.quicksilver.index.workspace;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** gitignore(5) semantics, one rule set per row: pattern(s) | path | is a folder | expected verdict. */
class GitIgnoreRulesTest {
    private static final Path BASE = Path.of("/ws");

    @ParameterizedTest(name = "{0} vs {1} (dir={2}) -> {3}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            *.log             | a.log              | false | true
            *.log             | deep/in/b.log      | false | true
            *.log             | a.logs             | false | none
            build/            | build              | true  | true
            build/            | build              | false | none
            build/            | x/build            | true  | true
            /build            | x/build            | true  | none
            /build            | build              | true  | true
            doc/*.txt         | doc/a.txt          | false | true
            doc/*.txt         | doc/sub/a.txt      | false | none
            doc/**/*.txt      | doc/sub/deep/a.txt | false | true
            doc/**/*.txt      | doc/a.txt          | false | true
            **/cache          | a/b/cache          | true  | true
            out/**            | out/x/y.class      | false | true
            a?c               | abc                | false | true
            a?c               | a/c                | false | none
            [ab]x             | bx                 | false | true
            [!ab]x            | bx                 | false | none
            *.log;!keep.log   | keep.log           | false | false
            *.log;!keep.log   | other.log          | false | true
            # comment;x       | x                  | false | true
            \\#hash           | #hash              | false | true
            secret            | secret/nested.txt  | false | true
            """)
    void matchesLikeGit(String patterns, String path, boolean isDirectory, Boolean expected) {
        GitIgnoreRules rules = GitIgnoreRules.parse(BASE, List.of(patterns.split(";")));
        assertEquals(Optional.ofNullable(expected), rules.match(BASE.resolve(path), isDirectory));
    }
}
