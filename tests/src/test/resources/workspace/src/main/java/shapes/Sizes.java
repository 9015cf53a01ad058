package shapes;

/** Sizes for the report, each with its unit. */
class Sizes {
    double twice(double value, String unit) {
        return Scale.scaled(value, 2.0, false);
    }

    double half(double value, String unit) {
        return Scale.scaled(value,
                0.5, true);
    }
}
