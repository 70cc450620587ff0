# Turns the files of a theme folder into a C source file of byte arrays,
# so the default theme is built into the binary (no install step, no
# path lookups at run time). Run as: cmake -DTHEME_DIR=... -DOUT=... -P
# SYMBOL names the table (site_default_theme unless given; the page
# script of serve --watch is embedded the same way, src/watch/).
if(NOT SYMBOL)
  set(SYMBOL site_default_theme)
endif()
file(GLOB files RELATIVE ${THEME_DIR} ${THEME_DIR}/*)
list(SORT files)
set(body "/* generated from ${THEME_DIR} by cmake/embed_theme.cmake: do not edit */\n#include \"site/site.h\"\n\n")
set(table "")
set(i 0)
foreach(f ${files})
  file(READ ${THEME_DIR}/${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR bytes "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char theme_file_${i}[] = {${hex} 0x00};\n")
  string(APPEND table "    {\"${f}\", (const char *)theme_file_${i}, ${bytes}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst struct site_theme_file ${SYMBOL}[] = {\n${table}    {0, 0, 0},\n};\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
