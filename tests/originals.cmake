# `originals: true` in story.md: originals published unchanged, linked,
# kept through no-op builds, replaced and removed with the photo or the
# setting; a cover's alt text from its Markdown image.
if(TARGET tearsheet)
  add_test(NAME site_originals
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/originals.sh $<TARGET_FILE:tearsheet>)
endif()
