package dev.quicksilver.lsp;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import org.eclipse.lsp4j.AnnotatedTextEdit;
import org.eclipse.lsp4j.TextEdit;

/**
 * Makes LSP4J keep a text edit's change annotation on the wire. A {@code TextDocumentEdit}'s edits are typed
 * {@code Either<TextEdit, SnippetTextEdit>}, and LSP4J writes the left side with {@code TextEdit}'s own adapter,
 * so an {@link AnnotatedTextEdit} lost its {@code annotationId} (and with it the confirmation the annotation asks
 * for), and reads every edit as a plain {@code TextEdit}. With this, an edit is written as what it is and read
 * as an {@code AnnotatedTextEdit} when it has an annotation id. Used by every launcher, server and client side.
 */
public final class AnnotatedEditsJson implements TypeAdapterFactory {
    private AnnotatedEditsJson() {
    }

    public static void configure(GsonBuilder gson) {
        gson.registerTypeAdapterFactory(new AnnotatedEditsJson());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        if (type.getRawType() != TextEdit.class) return null;
        TypeAdapter<TextEdit> plain = gson.getDelegateAdapter(this, TypeToken.get(TextEdit.class));
        TypeAdapter<AnnotatedTextEdit> annotated = gson.getAdapter(AnnotatedTextEdit.class);
        TypeAdapter<JsonElement> tree = gson.getAdapter(JsonElement.class);
        return (TypeAdapter<T>) new TypeAdapter<TextEdit>() {
            @Override
            public void write(JsonWriter out, TextEdit edit) throws IOException {
                if (edit instanceof AnnotatedTextEdit a) annotated.write(out, a);
                else plain.write(out, edit);
            }

            @Override
            public TextEdit read(JsonReader in) throws IOException {
                JsonElement json = tree.read(in);
                if (json != null && json.isJsonObject() && json.getAsJsonObject().has("annotationId")) return annotated.fromJsonTree(json);
                return plain.fromJsonTree(json);
            }
        };
    }
}
