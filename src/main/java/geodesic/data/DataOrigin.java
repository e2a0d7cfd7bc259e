package geodesic.data;

/** Which of the places a locator searches supplied the data, in search order. */
public enum DataOrigin {
    /** A directory the caller passed explicitly (the command line's {@code --data DIR}). */
    EXPLICIT_DIRECTORY("directory given explicitly"),
    /** The directory named by the {@code GEODESIC_DATA} environment variable. */
    ENVIRONMENT_VARIABLE("directory from " + FashionMnistLocator.ENVIRONMENT_VARIABLE),
    /** A system-wide installation such as Debian's {@code dataset-fashion-mnist} package. */
    SYSTEM_PACKAGE("system package dataset-fashion-mnist"),
    /** Files verified and cached by an earlier download. */
    DOWNLOAD_CACHE("download cache"),
    /** Files downloaded and verified during this call. */
    DOWNLOADED("downloaded now"),
    /** The small real subset shipped inside the library. */
    EMBEDDED_SUBSET("embedded subset");

    private final String description;

    DataOrigin(String description) {
        this.description = description;
    }

    /** A few words for a {@code "data: ..."} line. */
    public String description() {
        return description;
    }
}
