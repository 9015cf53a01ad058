package dev.quicksilver.lsp.refactor;

import java.util.List;
import java.util.Optional;

/** One multi-file refactor: finds its sites from the index alone (no model call). */
public interface Refactoring {
    String name();

    /** One line for {@code --help} and the command list. */
    String description();

    Optional<RefactorPlan> plan(RefactorInput input);

    static List<Refactoring> all() {
        return List.of(new AddParameterRefactoring(), new ApplySimilarEditRefactoring(), new ImplementMethodRefactoring(),
                new DefaultBodyRefactoring(), new RemoveParameterRefactoring(), new ReorderParametersRefactoring(),
                new ChangeSignatureRefactoring(), new RenameFieldRefactoring(), new RenameTypeRefactoring(),
                new RenameTypeAndVariablesRefactoring(), new RenameVariableRefactoring(), new DeclareExceptionRefactoring(),
                new CatchExceptionRefactoring(), new DropCatchRefactoring(), new FollowReturnTypeRefactoring());
    }

    static Optional<Refactoring> named(String name) {
        return all().stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
