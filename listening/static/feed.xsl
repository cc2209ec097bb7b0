<?xml version="1.0" encoding="utf-8"?>
<!-- Shows the Atom feed of pledge progress updates as a readable, accessible page in a browser.
     Feed readers ignore it. No scripts or inline styles: the site's stylesheets only. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes"
    doctype-system="about:legacy-compat"/>

  <xsl:template match="/atom:feed">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/> – Listening</title>
        <link rel="stylesheet" href="/assets/nhsuk-frontend.min.css"/>
        <link rel="stylesheet" href="/assets/css/app.css"/>
      </head>
      <body>
        <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
        <header class="nhsuk-header" role="banner">
          <div class="nhsuk-width-container nhsuk-header__container">
            <p class="nhsuk-u-margin-bottom-0 nhsuk-u-padding-top-3 nhsuk-u-padding-bottom-3">
              <a class="nhsuk-header__link" href="{atom:link[@rel='alternate']/@href}">Pledge tracker</a>
            </p>
          </div>
        </header>
        <div class="nhsuk-width-container">
          <main class="nhsuk-main-wrapper" id="maincontent">
            <h1><xsl:value-of select="atom:title"/></h1>
            <div class="nhsuk-inset-text">
              <p>This is a web feed. Copy its address into a feed reader app to hear about new
              progress updates as they are reported.</p>
            </div>
            <p><a href="{atom:link[@rel='alternate']/@href}">See every pledge on the tracker</a></p>
            <xsl:choose>
              <xsl:when test="atom:entry">
                <ol class="nhsuk-list app-timeline">
                  <xsl:apply-templates select="atom:entry"/>
                </ol>
              </xsl:when>
              <xsl:otherwise><p>No progress updates yet.</p></xsl:otherwise>
            </xsl:choose>
            <xsl:if test="atom:link[@rel='license']">
              <p class="nhsuk-body-s">Published under the
                <a rel="license" href="{atom:link[@rel='license']/@href}"><xsl:value-of select="atom:link[@rel='license']/@title"/></a>.</p>
            </xsl:if>
          </main>
        </div>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li class="app-timeline__item">
      <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">
        <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      </h2>
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">
        <time datetime="{substring(atom:updated, 1, 10)}"><xsl:value-of select="substring(atom:updated, 1, 10)"/></time>
      </p>
      <xsl:if test="atom:summary">
        <p class="nhsuk-u-margin-bottom-1"><strong><xsl:value-of select="atom:summary"/></strong></p>
      </xsl:if>
      <p><xsl:value-of select="atom:content"/></p>
    </li>
  </xsl:template>
</xsl:stylesheet>
