package org.outmail.internal;

import java.text.Normalizer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * IDNA2008's judgement of the code points of a domain label (RFC 5892 and RFC 5891 section 4.2.3):
 * each code point's derived property (PVALID, CONTEXTJ, CONTEXTO, DISALLOWED, UNASSIGNED) is
 * computed by RFC 5892 section 3 from the JDK's Unicode data (general category, normalisation, case
 * mapping, script, block) rather than read from a table, so it follows the JDK's Unicode version.
 *
 * <p>Java has no {@code Default_Ignorable_Code_Point} property: its members that Java's categories
 * would take for letters or marks (the variation selectors and {@code
 * Other_Default_Ignorable_Code_Point}'s marks, from the Unicode Character Database's PropList.txt)
 * are named here; every other default-ignorable code point is a format character or unassigned,
 * which RFC 5892 disallows anyway. CONTEXTO code points are judged by RFC 5892 appendix A;
 * CONTEXTJ ones (the zero-width joiner and non-joiner) are refused, as judging them needs the
 * joining types and combining classes the JDK does not expose.
 */
final class Idna2008 {
  /** RFC 5892 section 2: the derived property values. */
  enum Property {
    PVALID, CONTEXTJ, CONTEXTO, DISALLOWED, UNASSIGNED
  }

  private Idna2008() {}

  /**
   * Checks a label in its Unicode form, after mapping (lower case, NFC).
   *
   * @param label the label as it would be registered
   * @param written how the label was written, to name in the message
   * @throws IllegalArgumentException naming the code point, its position and why it is refused
   */
  static void checkLabel(String label, String written) {
    String where = label.equals(written) ? "" : " of '" + label + "'";
    if (!label.isEmpty()) {
      int first = label.codePointAt(0);
      if (isMark(first)) {
        throw new IllegalArgumentException(refused(written, first, 0, where,
            "a combining mark, which cannot begin a label (RFC 5891 4.2.3.2)"));
      }
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      throw new IllegalArgumentException("label '" + written + "' begins or ends with '-' (RFC 5891 4.2.3.1)");
    }
    if (label.startsWith("--", 2)) {
      throw new IllegalArgumentException("label '" + written + "' has '--' in its third and fourth positions"
          + " (RFC 5891 4.2.3.1)");
    }
    for (int i = 0; i < label.length();) {
      int cp = label.codePointAt(i);
      switch (property(cp)) {
        case PVALID:
          break;
        case CONTEXTO:
          String rule = contextRuleBroken(label, i, cp);
          if (rule != null) {
            throw new IllegalArgumentException(refused(written, cp, i, where, "which IDNA2008 allows only " + rule));
          }
          break;
        case CONTEXTJ:
          throw new IllegalArgumentException(refused(written, cp, i, where,
              "a joiner whose context (RFC 5892 appendix A.1, A.2) outmail does not judge"));
        case UNASSIGNED:
          throw new IllegalArgumentException(refused(written, cp, i, where,
              "which is unassigned in Unicode (as this JDK knows it)"));
        default:
          throw new IllegalArgumentException(refused(written, cp, i, where, "which IDNA2008 disallows (RFC 5892)"));
      }
      i += Character.charCount(cp);
    }
  }

  private static String refused(String written, int cp, int index, String where, String why) {
    String name = Character.getName(cp);
    return "label '" + written + "' holds U+" + String.format("%04X", cp) + (name == null ? "" : " " + name)
        + " at index " + index + where + ", " + why;
  }

  /** RFC 5892 section 3: the derived property of a code point. */
  static Property property(int cp) {
    Property exception = exception(cp);
    if (exception != null) {
      return exception;
    }
    int type = Character.getType(cp);
    if (type == Character.UNASSIGNED && !isNoncharacter(cp)) {
      return Property.UNASSIGNED;
    }
    if (cp == '-' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')) {
      return Property.PVALID;
    }
    if (cp == 0x200C || cp == 0x200D) {
      return Property.CONTEXTJ;
    }
    // Unstable, IgnorableProperties, IgnorableBlocks and OldHangulJamo make DISALLOWED what would
    // be PVALID as a letter, digit or mark; anything else is DISALLOWED anyway, so they are asked
    // only of those
    if (!isLetterDigitOrMark(type)) {
      return Property.DISALLOWED;
    }
    return isUnstable(cp) || isIgnorable(cp) || isInIgnorableBlock(cp) || isOldHangulJamo(cp)
        ? Property.DISALLOWED : Property.PVALID;
  }

  /** RFC 5892 section 2.1, LetterDigits: general category Ll, Lu, Lo, Nd, Lm, Mn or Mc. */
  private static boolean isLetterDigitOrMark(int type) {
    switch (type) {
      case Character.LOWERCASE_LETTER:
      case Character.UPPERCASE_LETTER:
      case Character.OTHER_LETTER:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.MODIFIER_LETTER:
      case Character.NON_SPACING_MARK:
      case Character.COMBINING_SPACING_MARK:
        return true;
      default:
        return false;
    }
  }

  /** RFC 5892 section 2.6, the code points whose property is fixed by the RFC itself. */
  private static @Nullable Property exception(int cp) {
    switch (cp) {
      case 0x00DF:
      case 0x03C2:
      case 0x06FD:
      case 0x06FE:
      case 0x0F0B:
      case 0x3007:
        return Property.PVALID;
      case 0x00B7:
      case 0x0375:
      case 0x05F3:
      case 0x05F4:
      case 0x30FB:
        return Property.CONTEXTO;
      case 0x0640:
      case 0x07FA:
      case 0x302E:
      case 0x302F:
      case 0x303B:
        return Property.DISALLOWED;
      default:
        if ((cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06F0 && cp <= 0x06F9)) {
          return Property.CONTEXTO;
        }
        if (cp >= 0x3031 && cp <= 0x3035) {
          return Property.DISALLOWED;
        }
        return null;
    }
  }

  /** RFC 5892 section 2.2: {@code toNFKC(toCaseFold(toNFKC(cp))) != cp}. */
  private static boolean isUnstable(int cp) {
    String s = new String(Character.toChars(cp));
    String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC);
    return !Normalizer.normalize(caseFold(nfkc), Normalizer.Form.NFKC).equals(s);
  }

  /**
   * Unicode full case folding (CaseFolding.txt, statuses C and F), from the JDK's case mappings:
   * the lower case of the upper case, which folds {@code ß} to {@code ss}, final sigma to sigma and
   * iota subscripts to iota as CaseFolding.txt does. Two exceptions follow CaseFolding.txt: Cherokee
   * folds to upper case, and the dotless {@code ı} folds to itself (its upper case {@code I} folds
   * back to it only in the Turkic entries, which case folding does not use).
   */
  static String caseFold(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().forEach(cp -> {
      String one = new String(Character.toChars(cp));
      if (cp == 0x0131) {
        out.append(one);
      } else if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.CHEROKEE) {
        out.append(one.toUpperCase(Locale.ROOT));
      } else {
        out.append(one.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT));
      }
    });
    return out.toString();
  }

  /** RFC 5892 section 2.3: Default_Ignorable_Code_Point, White_Space or Noncharacter_Code_Point. */
  private static boolean isIgnorable(int cp) {
    return isDefaultIgnorable(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85
        || isNoncharacter(cp);
  }

  @SuppressWarnings("ReferenceEquality") // Character.UnicodeBlock has one instance per block
  private static boolean isDefaultIgnorable(int cp) {
    if (Character.getType(cp) == Character.FORMAT) {
      return true;
    }
    Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
    // Variation_Selector (PropList.txt): the Mongolian free variation selectors and two blocks
    if ((cp >= 0x180B && cp <= 0x180D) || cp == 0x180F || block == Character.UnicodeBlock.VARIATION_SELECTORS
        || block == Character.UnicodeBlock.VARIATION_SELECTORS_SUPPLEMENT) {
      return true;
    }
    // Other_Default_Ignorable_Code_Point (PropList.txt) that are letters or marks
    return cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || cp == 0x3164
        || cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }

  private static boolean isNoncharacter(int cp) {
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
  }

  /** RFC 5892 section 2.4. */
  @SuppressWarnings("ReferenceEquality") // Character.UnicodeBlock has one instance per block
  private static boolean isInIgnorableBlock(int cp) {
    Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
    return block == Character.UnicodeBlock.COMBINING_MARKS_FOR_SYMBOLS
        || block == Character.UnicodeBlock.MUSICAL_SYMBOLS
        || block == Character.UnicodeBlock.ANCIENT_GREEK_MUSICAL_NOTATION;
  }

  /** RFC 5892 section 2.9: Hangul_Syllable_Type L, V or T, the conjoining jamo blocks. */
  @SuppressWarnings("ReferenceEquality") // Character.UnicodeBlock has one instance per block
  private static boolean isOldHangulJamo(int cp) {
    Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
    return block == Character.UnicodeBlock.HANGUL_JAMO
        || block == Character.UnicodeBlock.HANGUL_JAMO_EXTENDED_A
        || block == Character.UnicodeBlock.HANGUL_JAMO_EXTENDED_B;
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /**
   * RFC 5892 appendix A.3 to A.9 for the CONTEXTO code point {@code cp} at {@code index}.
   *
   * @return the rule broken, said as where the code point is allowed; null when the rule holds
   */
  private static @Nullable String contextRuleBroken(String label, int index, int cp) {
    int before = index > 0 ? label.codePointBefore(index) : -1;
    int next = index + Character.charCount(cp);
    int after = next < label.length() ? label.codePointAt(next) : -1;
    switch (cp) {
      case 0x00B7:
        return before == 'l' && after == 'l' ? null : "between two 'l' (RFC 5892 A.3)";
      case 0x0375:
        return after >= 0 && Character.UnicodeScript.of(after) == Character.UnicodeScript.GREEK ? null
            : "before a Greek letter (RFC 5892 A.4)";
      case 0x05F3:
      case 0x05F4:
        return before >= 0 && Character.UnicodeScript.of(before) == Character.UnicodeScript.HEBREW ? null
            : "after a Hebrew letter (RFC 5892 A.5, A.6)";
      case 0x30FB:
        return label.codePoints().anyMatch(c -> c != 0x30FB && isJapanese(c)) ? null
            : "in a label with Hiragana, Katakana or Han (RFC 5892 A.7)";
      default:
        boolean arabicIndic = cp >= 0x0660 && cp <= 0x0669;
        boolean mixed = label.codePoints()
            .anyMatch(c -> arabicIndic ? c >= 0x06F0 && c <= 0x06F9 : c >= 0x0660 && c <= 0x0669);
        return !mixed ? null : arabicIndic
            ? "in a label without Extended Arabic-Indic digits (RFC 5892 A.8)"
            : "in a label without Arabic-Indic digits (RFC 5892 A.9)";
    }
  }

  private static boolean isJapanese(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA
        || script == Character.UnicodeScript.HAN;
  }
}
