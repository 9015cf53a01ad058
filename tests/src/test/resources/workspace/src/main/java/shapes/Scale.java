package shapes;

/** Scales lengths. */
public final class Scale {
    private Scale() {
    }

    static double scaled(double value, double factor, boolean round) {
        double v = value * factor;
        return round ? Math.rint(v) : v;
    }
}
