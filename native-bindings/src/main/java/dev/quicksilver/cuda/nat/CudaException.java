package dev.quicksilver.cuda.nat;

/** A CUDA driver or cuBLAS call returned an error: the message names the call and the error. */
public class CudaException extends RuntimeException {

    private final String call;
    private final int status;

    public CudaException(String call, int status, String errorName, String description) {
        super(call + " failed: " + errorName + " (" + status + ")"
                + (description == null || description.isBlank() ? "" : ": " + description));
        this.call = call;
        this.status = status;
    }

    public String call() {
        return call;
    }

    public int status() {
        return status;
    }
}
