package dev.quicksilver.client;

import java.nio.file.Path;

/** Paths from settings, as users write them. */
public final class UserPaths {

    private UserPaths() {}

    /**
     * {@code ~} or {@code ~/...} is the home folder (editors pass settings through unexpanded, where a shell
     * would have expanded them); relative paths are taken from the working folder.
     */
    public static Path of(String setting) {
        String s = setting.strip();
        if (s.equals("~") || s.startsWith("~/")) {
            s = System.getProperty("user.home") + s.substring(1);
        }
        return Path.of(s).toAbsolutePath().normalize();
    }
}
