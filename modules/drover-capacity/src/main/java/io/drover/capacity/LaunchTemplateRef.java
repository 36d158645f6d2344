package io.drover.capacity;

/**
 * A compute environment's own EC2 launch template, by id or by name.
 *
 * @param id the template's id ({@code lt-...}), or null when named
 * @param name the template's name, or null when given by id
 * @param version a version number, {@code $Latest} or {@code $Default}; null means {@code $Default}
 */
public record LaunchTemplateRef(String id, String name, String version) {

  /** Checks that exactly one of id and name is given. */
  public LaunchTemplateRef {
    if ((id == null || id.isBlank()) == (name == null || name.isBlank())) {
      throw new IllegalArgumentException("A launch template needs either its id or its name, not both: id=" + id
          + ", name=" + name);
    }
  }

  /** The version to launch: the one given, else {@code $Default}. */
  public String versionOrDefault() {
    return version == null || version.isBlank() ? "$Default" : version;
  }

  /** How the template is named in messages. */
  public String describe() {
    return (id != null ? id : name) + " (version " + versionOrDefault() + ")";
  }
}
