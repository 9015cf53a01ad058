package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.lsp.SampleWorkspace;
import dev.quicksilver.lsp.ServerSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One refactor that fails while planning takes no other's code action away: it is logged, the others are listed. */
class RefactorIsolationTest {
    @TempDir
    Path tmp;

    @Test
    void aRefactorThatFailsWhilePlanningLeavesTheOthersListed() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inventory = SampleWorkspace.shop(ws, "Inventory.java");
        Files.writeString(inventory, Files.readString(inventory).replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, int priority)"));
        Refactoring failing = new Refactoring() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public String description() {
                return "fails while planning";
            }

            @Override
            public Optional<RefactorPlan> plan(RefactorInput input) {
                throw new IllegalStateException("a bug of its own");
            }
        };
        ServerSession session = new ServerSession(x -> { throw new AssertionError("no model call while planning"); });
        try (WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(ws).dataDirectory(tmp.resolve("data")).build())) {
            index.build();
            List<String> lines = Files.readAllLines(inventory);
            int line = 0;
            while (!lines.get(line).contains("public boolean reserve")) line++;
            List<RefactorPlan> plans = new RefactorService(session).plans(List.of(failing, new AddParameterRefactoring()), index, inventory,
                    new TextPosition(line, 20), Optional.empty());
            assertEquals(List.of("add-parameter"), plans.stream().map(RefactorPlan::name).toList());
            assertTrue(plans.getFirst().title().startsWith("Fill new parameter `int priority`"), plans.getFirst().title());
        } finally {
            session.close();
        }
    }
}
