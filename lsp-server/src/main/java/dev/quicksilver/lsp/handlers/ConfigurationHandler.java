package dev.quicksilver.lsp.handlers;

import com.google.gson.JsonElement;
import dev.quicksilver.lsp.ServerSession;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.MessageType;

/** {@code workspace/didChangeConfiguration}: merges the new settings; a bad value is shown once and ignored. */
public final class ConfigurationHandler {
    private final ServerSession session;

    public ConfigurationHandler(ServerSession session) {
        this.session = session;
    }

    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        if (params == null || !(params.getSettings() instanceof JsonElement json)) return;
        try {
            session.updateSettings(session.settings().merge(json));
            session.log(MessageType.Info, "settings updated: " + session.settings());
        } catch (IllegalArgumentException e) {
            session.problem("settings", "settings not applied: " + e.getMessage());
        }
    }
}
