package shapes;

/** A plane figure. */
public interface Shape {
    /** The area, in square units. */
    double area();

    /** A short name for reports. */
    String name();
}
