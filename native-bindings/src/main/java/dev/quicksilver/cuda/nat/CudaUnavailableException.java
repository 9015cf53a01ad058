package dev.quicksilver.cuda.nat;

/**
 * No CUDA here: the library, the driver or the device is missing. The message is one sentence meant for
 * the user (it names the cause and that the CPU backend is used instead); it carries no stack trace.
 */
public final class CudaUnavailableException extends RuntimeException {

    public CudaUnavailableException(String sentence) {
        super(sentence, null, false, false);
    }
}
